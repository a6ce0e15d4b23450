"""`PUT /api/quiz/attempts/{attempt_id}/answers/{position}`: saving one answer.

Answers are most of a contest's traffic, so this one endpoint of the JSON API is a plain
Django view rather than a django-ninja operation. Under callgrind, the operation's
machinery (its parameter models, authentication loop, temporary response and renderer)
was 19% of the instructions an answer cost the web process: 2.08 million a request
through django-ninja, 1.69 million through this view, with the same middleware, rate
limits and statement.

It behaves as the operation did, and as the rest of the API does: the same two ways to
authenticate (the attempt's answer token, else the session with its CSRF token), errors as
problem documents through the API's own exception handlers, and an entry in the API's
OpenAPI document (`document`), so /api/docs and the schema conformance tests cover it.
"""

import datetime as dt
import inspect
import json
from http import HTTPStatus

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.utils import check_csrf
from pydantic import ValidationError as PydanticValidationError

from cyberweek.core.api_problems import problem

from . import answer_tokens, services
from .api import AUTH_ERRORS, mounted_api, rate_limit_problem

PATH = "/api/quiz/attempts/{attempt_id}/answers/{position}"
BEARER_SCHEME = "AnswerTokenAuth"


class AnswerIn(Schema):
    chosen: list[str] = Field(max_length=6, description='option keys, e.g. ["B"] or ["A", "C"]')


class AnswerOut(Schema):
    position: int
    chosen: list[str]
    answered_at: dt.datetime


@csrf_exempt  # a bearer token needs no CSRF token; the session path checks it in `_actor`
def put_answer(request, attempt_id: int, position: int):
    """Save the choice for question `position` of the paper; the last save wins. A 200
    means the answer is stored. Send the attempt's `answer_token` as a bearer token (or
    use the session cookie with the CSRF token)."""
    api = mounted_api()
    if request.method != "PUT":
        response = problem(
            api,
            request,
            status=405,
            slug="method-not-allowed",
            title=_("Method not allowed"),
            detail=_("An answer is saved with PUT."),
        )
        response["Allow"] = "PUT"
        return response
    try:
        request.auth = _actor(request, attempt_id)
        if limited := rate_limit_problem(request, "answer"):
            return limited
        answer = services.save_answer(
            actor=request.auth,
            attempt_id=attempt_id,
            position=position,
            chosen=_chosen(request.body),
        )
    except Exception as error:  # the API's handlers make a problem of it, or re-raise
        return api.on_exception(request, error)
    return JsonResponse(
        {"position": position, "chosen": answer.chosen, "answered_at": answer.answered_at},
        encoder=DjangoJSONEncoder,
    )


def _actor(request, attempt_id: int):
    """The answer token's grant if the request brings a bearer token (judged by it alone:
    a bad one is a 401, not a fall back to the session), else the signed-in user once the
    CSRF token checks out."""
    scheme, _blank, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() == "bearer":
        return answer_tokens.grant_for(token, attempt_id)
    if check_csrf(request):
        raise HttpError(403, "CSRF check Failed")
    if not request.user.is_authenticated:
        raise AuthenticationError()
    return request.user


def _chosen(body: bytes):
    """The `chosen` list of a JSON body, as `AnswerIn` describes it."""
    try:
        data = json.loads(body) if body else None
    except ValueError as error:
        raise HttpError(400, "Cannot parse request body") from error
    try:
        return AnswerIn.model_validate(data).chosen
    except PydanticValidationError as error:
        raise ValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from error


def document(schema: dict) -> None:
    """Add this endpoint to the API's OpenAPI document, as django-ninja would."""
    components = schema.setdefault("components", {})
    for model in (AnswerIn, AnswerOut):
        components.setdefault("schemas", {})[model.__name__] = model.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    components.setdefault("securitySchemes", {})[BEARER_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "The `answer_token` of the attempt (from starting or reading it), for saving "
            "its answers without the session cookie and CSRF token."
        ),
    }
    problem_content = {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
    }
    responses = {
        "200": {
            "description": "OK",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AnswerOut"}}},
        },
        **{
            str(status): {"description": HTTPStatus(status).phrase, "content": problem_content}
            for status in AUTH_ERRORS
        },
    }
    path_parameter = {"in": "path", "required": True, "schema": {"type": "integer"}}
    schema.setdefault("paths", {})[PATH] = {
        "put": {
            "operationId": "cyberweek_quiz_api_put_answer",
            "summary": "Put Answer",
            "description": inspect.cleandoc(put_answer.__doc__),
            "tags": ["quiz"],
            "parameters": [
                {**path_parameter, "name": "attempt_id"},
                {**path_parameter, "name": "position"},
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/AnswerIn"}}
                },
            },
            "responses": responses,
            "security": [{BEARER_SCHEME: []}, {"SessionAuth": []}],
        }
    }
