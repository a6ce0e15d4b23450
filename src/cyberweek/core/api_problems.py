"""RFC 9457 problem responses for the whole JSON API."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .errors import DomainError

PROBLEM_TYPE_BASE = "https://cyberweek.invalid/problems/"
CONTENT_TYPE = "application/problem+json"


class FieldProblem(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []


def problem_body(*, status: int, slug: str, title: str, detail: str, errors=()) -> dict:
    return {
        "type": PROBLEM_TYPE_BASE + slug,
        "title": str(title),
        "status": status,
        "detail": str(detail),
        "errors": list(errors),
    }


def problem(api: NinjaAPI, request, *, status: int, slug: str, title: str, detail: str, errors=()):
    body = problem_body(status=status, slug=slug, title=title, detail=detail, errors=errors)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = CONTENT_TYPE
    return response


def problem_response(*, status: int, slug: str, title: str, detail: str, errors=()):
    """The same document where no NinjaAPI answers: middleware and Django's error handlers."""
    body = problem_body(status=status, slug=slug, title=title, detail=detail, errors=errors)
    return JsonResponse(
        body, status=status, content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _field_name(location) -> str:
    # pydantic reports ("query", "kind") or ("body", "payload", "title"); people want "kind".
    parts = [str(p) for p in location if p not in {"query", "body", "path", "payload", "form"}]
    return ".".join(parts) or "request"


def declare_problem_media_type(schema: dict) -> dict:
    """Error responses are documented as application/problem+json, which is what they are;
    every operation that takes a body may answer 400 for a body that is not JSON."""
    problem_ref = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # An operation may declare 400 itself (as the number 400): one entry, or the
            # served JSON would hold the key twice.
            declared = {str(status) for status in operation.get("responses", {})}
            if "requestBody" in operation and "400" not in declared:
                operation["responses"]["400"] = {
                    "description": "The body is not valid JSON",
                    "content": {"application/json": problem_ref},
                }
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if str(status).startswith(("4", "5")) and "application/json" in content:
                    content[CONTENT_TYPE] = content.pop("application/json")
    return schema


# No text the API takes may hold U+0000 (core/request_guards.py refuses it with a 422 that
# names the field); the schema says so on every free-text string it takes.
NO_NUL_PATTERN = "^[^\\x00]*$"


def _forbid_nul(node) -> None:
    if isinstance(node, list):
        for item in node:
            _forbid_nul(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(node):
        node["pattern"] = NO_NUL_PATTERN
    for value in node.values():
        _forbid_nul(value)


def declare_no_nul_characters(schema: dict) -> dict:
    """Input strings (parameters, request bodies and the schemas they use) match
    `NO_NUL_PATTERN`; response schemas are left as they are."""
    inputs = set()
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            _forbid_nul(operation.get("parameters", []))
            body = operation.get("requestBody", {})
            _forbid_nul(body)
            inputs.update(_references(body))
    components = schema.get("components", {}).get("schemas", {})
    while inputs:
        name = inputs.pop()
        if name in components:
            _forbid_nul(components[name])
            inputs.update(_references(components[name]) - {name})
    return schema


def _references(node) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_references(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    found = set()
    if isinstance(node.get("$ref"), str):
        found.add(node["$ref"].rsplit("/", 1)[-1])
    for value in node.values():
        found |= _references(value)
    return found


class ProblemNinjaAPI(NinjaAPI):
    """A NinjaAPI whose schema documents its problem responses, and the endpoints served by
    plain Django views under it: each adds itself with `document_view(add_to_schema)`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._view_documenters = []

    def document_view(self, add_to_schema) -> None:
        self._view_documenters.append(add_to_schema)

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        for add_to_schema in self._view_documenters:
            add_to_schema(schema)
        return declare_no_nul_characters(declare_problem_media_type(schema))


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        errors = [{"field": exc.field, "message": str(exc.message)}] if exc.field else []
        if getattr(exc, "errors", None):
            errors = [{"field": f, "message": str(m)} for f, m in exc.errors if f]
        return problem(
            api,
            request,
            status=exc.status,
            slug=exc.slug,
            title=exc.title,
            detail=exc.message,
            errors=errors,
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        errors = [
            {"field": _field_name(e.get("loc", ())), "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return problem(
            api,
            request,
            status=422,
            slug="validation-failed",
            title=_("The input is not valid"),
            detail="; ".join(f"{e['field']}: {e['message']}" for e in errors),
            errors=errors,
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(
            api,
            request,
            status=404,
            slug="not-found",
            title=_("Not found"),
            detail=str(exc) or _("Nothing is published at this address."),
        )

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return problem(
            api,
            request,
            status=401,
            slug="unauthenticated",
            title=_("Sign in first"),
            detail=_("This endpoint needs a signed-in user."),
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return problem(
            api,
            request,
            status=exc.status_code,
            slug="http-error",
            title=str(exc.message),
            detail=str(exc.message),
        )
