"""The audit trail: every organiser action and every refused action is recorded here."""

from django.db import models

from .models import AuditEvent
from .screening import screen_text


def _target_fields(target) -> dict:
    if target is None:
        return {}
    if isinstance(target, models.Model):
        return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}
    return {"target_type": type(target).__name__, "target_id": str(target)}


def _screened(value):
    # Details are meant to be ids and codes; any text in them passes the pii engine, so a
    # caller that passes a comment or a name cannot leave personal data in the trail, which
    # is kept for years and is not erased with an account.
    if isinstance(value, str):
        return screen_text(value).public_text
    if isinstance(value, list | tuple):
        return [_screened(item) for item in value]
    if isinstance(value, dict):
        return {key: _screened(item) for key, item in value.items()}
    return value


def _create(outcome, actor, action, target, region, details) -> AuditEvent:
    details = _screened(details)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        outcome=outcome,
        region_code=getattr(region, "code", "") or "",
        details=details,
        **_target_fields(target),
    )


def record(actor, action: str, target=None, *, region=None, **details) -> AuditEvent:
    """Record that `actor` did `action` to `target`. Call inside the service's transaction,
    so that the record exists exactly when the change does."""
    return _create(AuditEvent.Outcome.DONE, actor, action, target, region, details)


def record_denied(actor, action: str, target=None, *, region=None, **details) -> AuditEvent:
    """Record a refused action (see `permissions.ScopeDenied.record` for rollbacks)."""
    return _create(AuditEvent.Outcome.DENIED, actor, action, target, region, details)
