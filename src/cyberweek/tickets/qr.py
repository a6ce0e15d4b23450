"""QR codes of tickets: inline SVG for pages, PNG for the confirmation email (segno writes
PNG by itself, no imaging library needed)."""

import io

import segno


def _code(payload: str):
    # Level M survives a scuffed phone screen or a crumpled print-out; the payload is short.
    return segno.make(payload, error="m", micro=False)


def ticket_svg(payload: str, *, title: str = "") -> str:
    return _code(payload).svg_inline(scale=5, border=2, title=title or None)


def ticket_png(payload: str) -> bytes:
    buffer = io.BytesIO()
    _code(payload).save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()
