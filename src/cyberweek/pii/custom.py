"""What a deployment or a caller adds to the engine: an allow list (values that are never
findings: a public hotline, the speakers' names on a programme) and its own recognisers (a
regular expression, or a deny list of words, each with the type it reports)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import label_before
from .finding import RawFinding

_TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]{1,39}")
# Separators ignored when comparing a finding with the allow list (400-820-8820 and
# 4008208820 are the same hotline).
_IGNORED = str.maketrans("", "", " -()（）.·\u3000")


def normalise(value: str) -> str:
    return value.translate(_IGNORED).casefold()


def _check_type(type_: str) -> str:
    if not isinstance(type_, str) or not _TYPE_NAME.fullmatch(type_):
        raise ValueError(
            f"a recogniser's type must be upper-case letters, digits and '_' (got {type_!r})"
        )
    return type_


@dataclass(frozen=True)
class Pattern:
    """A regular expression that reports `type`. With `context`, a match counts only when
    one of the words is in the label just before it (as 工号：…)."""

    type: str
    regex: str
    confidence: float = 0.8
    context: tuple[str, ...] = ()
    ignore_case: bool = False
    compiled: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_type(self.type)
        if not 0 < self.confidence <= 1:
            raise ValueError("confidence must be in (0, 1]")
        try:
            compiled = re.compile(self.regex, re.IGNORECASE if self.ignore_case else 0)
        except (re.error, TypeError) as error:
            raise ValueError(f"invalid regular expression {self.regex!r}: {error}") from error
        object.__setattr__(self, "context", tuple(w.lower() for w in self.context))
        object.__setattr__(self, "compiled", compiled)

    def find(self, text: str, out: list[RawFinding]) -> None:
        for m in self.compiled.finditer(text):
            s, e = m.span()
            if s == e:
                continue
            if self.context:
                label = label_before(text, s, 20)
                if not any(w in label for w in self.context):
                    continue
            out.append((s, e, self.type, m.group(), self.confidence, "custom pattern"))


@dataclass(frozen=True)
class DenyList:
    """Words that are always findings of `type` wherever they are written (a project's
    code names, the staff list, people a report must never name)."""

    type: str
    words: tuple[str, ...]
    confidence: float = 0.9
    compiled: re.Pattern | None = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        _check_type(self.type)
        if isinstance(self.words, str):
            raise ValueError("words must be a list of words, not one string")
        words = tuple(dict.fromkeys(w.strip() for w in self.words if w and w.strip()))
        object.__setattr__(self, "words", words)
        if not words:
            object.__setattr__(self, "compiled", None)
            return
        # Longest first; an ASCII word only as a whole word (Li is not in Lily).
        parts = [
            rf"(?<![A-Za-z0-9]){re.escape(w)}(?![A-Za-z0-9])" if w.isascii() else re.escape(w)
            for w in sorted(words, key=len, reverse=True)
        ]
        object.__setattr__(self, "compiled", re.compile("|".join(parts), re.IGNORECASE))

    def find(self, text: str, out: list[RawFinding]) -> None:
        if self.compiled is None:
            return
        for m in self.compiled.finditer(text):
            out.append((m.start(), m.end(), self.type, m.group(), self.confidence, "deny list"))


Recognizer = Pattern | DenyList


@dataclass(frozen=True)
class Options:
    """The allow list (normalised) and the recognisers in force for one scan."""

    allow: frozenset[str] = frozenset()
    recognizers: tuple[Recognizer, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.allow or self.recognizers)

    def merged(self, allow: Iterable[str] | None, recognizers) -> "Options":
        if allow is None and recognizers is None:
            return self
        return Options(
            self.allow | _allow_set(allow),
            self.recognizers + _recognizers(recognizers),
        )


def _allow_set(allow: Iterable[str] | None) -> frozenset[str]:
    if allow is None:
        return frozenset()
    if isinstance(allow, str):
        raise ValueError("allow must be a list of values, not one string")
    return frozenset(normalise(v) for v in allow if isinstance(v, str) and v.strip())


def _recognizers(recognizers) -> tuple[Recognizer, ...]:
    if recognizers is None:
        return ()
    out = tuple(recognizers)
    for r in out:
        if not isinstance(r, (Pattern, DenyList)):
            raise ValueError(f"a recogniser must be a Pattern or a DenyList, not {r!r:.60}")
    return out


_DEFAULT = Options()


def configure(*, allow: Iterable[str] | None = None, recognizers=None) -> None:
    """Set the deployment's allow list and recognisers, used by every scan (a call's own
    are added to them). configure() with nothing clears them."""
    global _DEFAULT
    _DEFAULT = Options(_allow_set(allow), _recognizers(recognizers))


def options(allow=None, recognizers=None) -> Options:
    return _DEFAULT.merged(allow, recognizers)


def apply(text: str, found: list[RawFinding], opts: Options) -> list[RawFinding]:
    """found with the recognisers' findings added and allowed values taken out."""
    for r in opts.recognizers:
        r.find(text, found)
    if opts.allow:
        allow = opts.allow
        found = [f for f in found if normalise(f[3]) not in allow]
    return found
