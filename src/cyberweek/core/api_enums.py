"""Choices as they appear in the published OpenAPI document.

Django's convention names every model's status choices `Status`, and OpenAPI components are
keyed by name, so the activity, registration and attempt statuses overwrote one another in
`/api/openapi.json` (every attempt response then broke the published schema). An API field
that carries choices goes through `named_choices`, which gives it its own schema name.
"""

from typing import Annotated

from django.db import models
from pydantic import WithJsonSchema


def named_choices(choices: type[models.TextChoices], name: str):
    """The choices type for a Schema field, published under `name` with its own values."""
    schema = {"title": name, "type": "string", "enum": [choice.value for choice in choices]}
    return Annotated[choices, WithJsonSchema(schema)]
