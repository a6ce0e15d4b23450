"""``cyberweek pii scan|redact FILE|-``: find or redact personal information in a file.

Exit status: 0 nothing found, 1 something found, 2 the command or its input was wrong.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from .engine import scan_stream
from .extract import DecodeReport, InputError, document_text, text_chunks
from .finding import TYPES, Finding
from .redaction import ACTIONS, Policy, Rule, redact_stream

KEY_ENV = "CYBERWEEK_PII_KEY"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cyberweek pii",
        description="Find and redact personal information in Chinese and English text.",
        epilog="Exit status: 0 nothing found, 1 personal information found, 2 error.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "file", help="a text, CSV, JSON lines, .docx, .xlsx or .pdf file; - for stdin"
    )
    common.add_argument("--types", help="comma-separated types to report (default: all)")
    common.add_argument("--min-confidence", type=float, default=0.0)
    scan_p = sub.add_parser("scan", parents=[common], help="list findings")
    scan_p.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    redact_p = sub.add_parser("redact", parents=[common], help="print the text redacted")
    redact_p.add_argument(
        "--action",
        choices=ACTIONS,
        default="mask",
        help="what to do with every type (default: mask)",
    )
    redact_p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="TYPE=ACTION",
        help="a different action for one type, e.g. PERSON=tag",
    )
    redact_p.add_argument("--key", help=f"key for the pseudonym action (or ${KEY_ENV})")
    redact_p.add_argument("-o", "--output", help="write here instead of stdout")
    return parser


def _types(value: str | None) -> frozenset[str] | None:
    if not value:
        return None
    types = frozenset(t.strip().upper() for t in value.split(",") if t.strip())
    unknown = types - set(TYPES)
    if unknown:
        raise InputError(
            f"unknown type(s): {', '.join(sorted(unknown))}; known: {', '.join(TYPES)}"
        )
    return types


def _chunks(file: str, report: DecodeReport) -> Iterator[str]:
    if file == "-":
        yield from text_chunks(sys.stdin.buffer, report)
        return
    path = Path(file)
    if not path.exists():
        raise InputError(f"{file}: no such file")
    if not path.is_file():
        raise InputError(f"{file}: not a regular file")
    try:
        text = document_text(path)
    except InputError as error:
        raise InputError(f"{file}: {error}") from error
    if text is not None:
        yield text
        return
    with path.open("rb") as fh:
        yield from text_chunks(fh, report)


def _table_row(f: Finding) -> str:
    text = f.text.replace("\n", "⏎")
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{f.type:<14} {f.start:>9} {f.end:>9} {f.confidence:>5.2f}  {text}  ({f.reason})"


def _run_scan(args, report: DecodeReport) -> int:
    wanted = _types(args.types)
    out = sys.stdout
    found = 0
    if args.format == "table":
        out.write(f"{'type':<14} {'start':>9} {'end':>9} {'conf':>5}  text\n")
    for f in scan_stream(_chunks(args.file, report)):
        if (wanted and f.type not in wanted) or f.confidence < args.min_confidence:
            continue
        found += 1
        if args.format == "jsonl":
            out.write(json.dumps(f.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(_table_row(f) + "\n")
    if args.format == "table":
        out.write(f"{found} finding(s)\n")
    return 1 if found else 0


def _policy(args) -> Policy:
    rules = {}
    for item in args.set:
        type_, sep, action = item.partition("=")
        type_ = type_.strip().upper()
        if not sep or type_ not in TYPES or action not in ACTIONS:
            raise InputError(
                f"--set {item!r}: expected TYPE=ACTION with a type from "
                f"{', '.join(TYPES)} and an action from {', '.join(ACTIONS)}"
            )
        rules[type_] = Rule(action)
    key = args.key or os.environ.get(KEY_ENV)
    try:
        return Policy(
            default=Rule(args.action),
            rules=rules,
            key=key.encode("utf-8") if key else None,
            types=_types(args.types),
            min_confidence=args.min_confidence,
        )
    except ValueError as error:
        raise InputError(f"{error} (give --key or set {KEY_ENV})") from error


def _run_redact(args, report: DecodeReport) -> int:
    policy = _policy(args)
    redacted: list[Finding] = []
    pieces = redact_stream(_chunks(args.file, report), policy, counter=redacted)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            for piece in pieces:
                fh.write(piece)
    else:
        for piece in pieces:
            sys.stdout.write(piece)
    return 1 if redacted else 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    report = DecodeReport()
    try:
        status = _run_scan(args, report) if args.command == "scan" else _run_redact(args, report)
    except InputError as error:
        print(f"cyberweek pii: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"cyberweek pii: {error.strerror or error}: {error.filename or args.file}",
            file=sys.stderr,
        )
        return 2
    finally:
        sys.stdout.flush()
    if report.invalid:
        print(
            f"cyberweek pii: warning: {report.invalid} invalid UTF-8 sequence(s) were read "
            "as U+FFFD; offsets count characters of the decoded text",
            file=sys.stderr,
        )
    return status
