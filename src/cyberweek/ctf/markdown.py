"""Challenge descriptions and hints are Markdown written by organisers and read by everyone.

markdown-it-py renders CommonMark with raw HTML turned off (it is escaped, not passed on),
and nh3 (the Rust ammonia sanitiser) then keeps only a list of harmless tags and adds
`rel="noopener noreferrer"` to links: two maintained libraries instead of our own escaping.
"""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str) -> str:
    """Safe HTML for `text`."""
    html = _renderer.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
