"""The audit trail: every organiser action and every refused action is recorded here."""

from django.db import models

from .models import AuditEvent


def _target_fields(target) -> dict:
    if target is None:
        return {}
    if isinstance(target, models.Model):
        return {"target_type": target._meta.label_lower, "target_id": str(target.pk)}
    return {"target_type": type(target).__name__, "target_id": str(target)}


def _create(outcome, actor, action, target, region, details) -> AuditEvent:
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
