"""What every request passes before a view reads it: one middleware, so no page, API
endpoint or plain view can forget it.

- NUL characters (U+0000): no field of the platform takes one, PostgreSQL cannot store one,
  and a NUL that reached a query answered 500. The address, the query string, a form body
  (url-encoded) and a JSON body are checked here, and the field is named: pages answer
  400 with the reason, the API a problem document. Multipart forms are left to the forms
  (Django's CharField refuses NUL) so that uploads are not read before their view's limit;
  the text of uploaded files is checked by `core.bounded_files`.
- Declared body size: a view marked `@body_limit(n)` refuses a request whose declared
  Content-Length is over `n` before anything reads the body (the CSRF check reads a form
  body, and Django would spool a large upload to a temporary file first).
"""

import functools
import json
import re

from django.shortcuts import render
from django.utils.translation import gettext as _

from .api_problems import problem_response

# An escaped NUL in JSON: \u0000 after an even number of backslashes (an odd number would
# make it the text "\u0000").
_JSON_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000")
_JSON_TYPES = ("application/json", "application/problem+json")
_FORM_TYPE = "application/x-www-form-urlencoded"


def body_limit(max_bytes: int):
    """Refuse (413) a request whose declared body is larger than `max_bytes`.

    On a Django view the middleware checks it before the body is read; on a django-ninja
    operation (`decorate_view(body_limit(n))`), whose views read nothing before the
    operation runs, the wrapper checks it."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if declared_length(request) > max_bytes:
                return too_large(request, max_bytes)
            return view(request, *args, **kwargs)

        wrapper.max_body_bytes = max_bytes
        return wrapper

    return decorate


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _problem(*, status: int, slug: str, title: str, detail: str, field: str | None = None):
    errors = [{"field": field, "message": detail}] if field else []
    response = problem_response(status=status, slug=slug, title=title, detail=detail, errors=errors)
    response["Cache-Control"] = "no-store"
    return response


def _page(request, *, status: int, title: str, detail: str):
    context = {"problem_title": title, "problem_detail": detail}
    response = render(request, "core/400.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def too_large(request, max_bytes: int):
    title = _("The request is too large")
    detail = _("Send at most %(size)s MB.") % {"size": f"{max_bytes / 1024 / 1024:g}"}
    if _is_api(request):
        return _problem(status=413, slug="request-too-large", title=title, detail=detail)
    return _page(request, status=413, title=title, detail=detail)


def refuse_nul(request, field: str):
    title = _("The input is not valid")
    detail = _(
        "“%(field)s” contains a NUL character (U+0000), which no text may hold; remove it."
    ) % {"field": field}
    if _is_api(request):
        return _problem(status=422, slug="nul-character", title=title, detail=detail, field=field)
    return _page(request, status=400, title=title, detail=detail)


def _nul_in_query(request) -> str | None:
    if "\x00" in request.path_info:
        return "path"
    if "%00" not in request.META.get("QUERY_STRING", ""):
        return None
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return key.replace("\x00", "")
    return None


def _nul_in_body(request) -> str | None:
    if request.method not in {"POST", "PUT", "PATCH"}:
        return None
    content_type = request.content_type or ""
    if content_type not in _JSON_TYPES and content_type != _FORM_TYPE:
        return None
    try:
        body = request.body
    except Exception:  # too large or unreadable: the view answers as it always does
        return None
    if content_type == _FORM_TYPE:
        if b"%00" not in body:
            return None
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
        return None
    if not _JSON_NUL.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # not JSON: the view's parser says so
    return _nul_path(data) or "body"


def _nul_path(data, prefix: str = "") -> str | None:
    """Where in a JSON document a NUL is: `options.0.text`."""
    stack = [(prefix, data)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return path or "body"
        if isinstance(item, dict):
            for key, value in item.items():
                name = f"{path}.{key}" if path else str(key)
                if "\x00" in str(key):
                    return name.replace("\x00", "")
                stack.append((name, value))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(item))
    return None


class RequestGuardMiddleware:
    """Place after LocaleMiddleware (its refusals are translated) and before
    CsrfViewMiddleware (which reads form bodies)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _nul_in_query(request)
        if field is not None:
            return refuse_nul(request, field)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        max_bytes = getattr(view_func, "max_body_bytes", None)
        if max_bytes is not None and declared_length(request) > max_bytes:
            return too_large(request, max_bytes)
        field = _nul_in_body(request)
        if field is not None:
            return refuse_nul(request, field)
        return None
