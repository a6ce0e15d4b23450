"""The question bank: imports (all rows or none), revisions, retiring questions."""

from django.utils.translation import gettext as _

from cyberweek.core import audit
from cyberweek.core.errors import (
    ValidationFailed,
)
from cyberweek.core.permissions import require_scope
from cyberweek.core.queries import one_or_not_found
from cyberweek.core.transactions import service

from ..actions import MANAGE
from ..models import (
    Question,
    QuestionVersion,
)
from ..question_files import QuestionData, RowError, parse_row, read_rows


class ImportRejected(ValidationFailed):
    """A question file with errors: nothing was imported; `errors` lists each row's."""

    def __init__(self, errors: list[RowError]):
        super().__init__(
            _("The file has %(count)d errors; nothing was imported.") % {"count": len(errors)}
        )
        self.errors = errors


def _write_question(actor, data: QuestionData, question: Question | None) -> tuple[Question, bool]:
    """Create the question or add a revision; returns it and whether anything changed."""
    if question is None:
        question = Question.objects.create(
            code=data.code or f"Q{data.digest[:10].upper()}",
            kind=data.kind,
            topic=data.topic,
            difficulty=data.difficulty,
            text_digest=data.digest,
        )
        number = 1
    else:
        current = question.current
        same = (
            current is not None
            and {k: getattr(current, k) for k in data.content()} == data.content()
            and (question.kind, question.topic, question.difficulty)
            == (data.kind, data.topic, data.difficulty)
        )
        if same:
            return question, False
        number = (current.number if current else 0) + 1
    version = QuestionVersion.objects.create(
        question=question, number=number, created_by=actor, **data.content()
    )
    question.kind, question.topic, question.difficulty = data.kind, data.topic, data.difficulty
    question.current, question.text_digest = version, data.digest
    question.save()
    return question, True


def _check_against_bank(rows: list[QuestionData]) -> list[RowError]:
    errors = []
    codes = {r.code for r in rows if r.code}
    existing = {q.code: q for q in Question.objects.filter(code__in=codes)}
    by_digest = {}
    for question in Question.objects.filter(text_digest__in=[r.digest for r in rows]):
        by_digest.setdefault(question.text_digest, []).append(question.code)
    seen_digest, seen_code = {}, {}
    for row in rows:
        if row.code and row.code in seen_code:
            errors.append(
                RowError(
                    row.row,
                    _("The code %(code)s is also used in row %(other)d.")
                    % {"code": row.code, "other": seen_code[row.code]},
                )
            )
        if row.digest in seen_digest:
            errors.append(
                RowError(
                    row.row,
                    _("Duplicate question: the same text is in row %(other)d.")
                    % {"other": seen_digest[row.digest]},
                )
            )
        seen_code.setdefault(row.code, row.row)
        seen_digest.setdefault(row.digest, row.row)
        others = [c for c in by_digest.get(row.digest, []) if c != row.code]
        if others:
            errors.append(
                RowError(
                    row.row,
                    _("Duplicate question: the bank already has it as %(code)s.")
                    % {"code": others[0]},
                )
            )
        if row.code in existing and existing[row.code].kind != row.kind:
            errors.append(RowError(row.row, _("A revision cannot change the kind of question.")))
    return errors


@service
def import_questions(*, actor, content: bytes, fmt: str) -> dict:
    """Import a question file. Rows with a known code revise that question (a new version
    when anything differs); others are new. Every row is checked first: with any error,
    nothing is written and `ImportRejected` lists every error with its row."""
    require_scope(actor, action=MANAGE)
    raw_rows = read_rows(content, fmt)  # FileRejected, FileLimitExceeded: DomainErrors
    parsed, errors = [], []
    for number, raw in raw_rows:
        data, row_errors = parse_row(number, raw)
        errors.extend(row_errors)
        if data:
            parsed.append(data)
    errors.extend(_check_against_bank(parsed))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    existing = {
        q.code: q
        for q in Question.objects.select_related("current").filter(
            code__in=[r.code for r in parsed if r.code]
        )
    }
    created = revised = unchanged = 0
    for data in parsed:
        question = existing.get(data.code)
        _question, changed = _write_question(actor, data, question)
        if question is None:
            created += 1
        elif changed:
            revised += 1
        else:
            unchanged += 1
    audit.record(
        actor, "quiz.questions_imported", None, created=created, revised=revised, format=fmt
    )
    return {"created": created, "revised": revised, "unchanged": unchanged}


@service
def revise_question(*, actor, question_id: int, data: QuestionData) -> Question:
    """Save a new version of a question; attempts keep the version they were asked."""
    require_scope(actor, action=MANAGE)
    question = one_or_not_found(
        Question.objects.select_for_update(of=("self",)).select_related("current"),
        pk=question_id,
    )
    data.code = question.code
    errors = _check_against_bank([data])
    if errors:
        raise ValidationFailed(errors[0].message, field="text")
    question, changed = _write_question(actor, data, question)
    if changed:
        audit.record(actor, "quiz.question_revised", question, version=question.current.number)
    return question


@service
def set_question_active(*, actor, question_id: int, active: bool) -> Question:
    require_scope(actor, action=MANAGE)
    question = one_or_not_found(Question.objects.select_for_update(), pk=question_id)
    question.is_active = active
    question.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, "quiz.question_" + ("activated" if active else "retired"), question)
    return question
