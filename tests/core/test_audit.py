"""The audit trail holds ids and codes; text that reaches it anyway is screened."""

import pytest

from cyberweek.core import audit
from cyberweek.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_text_in_audit_details_is_stored_with_personal_information_masked():
    event = audit.record(
        None,
        "test.noted",
        comment="联系人：王芳，手机 13987654321",
        fields=["email", "联系人：李明"],
        count=3,
    )
    stored = AuditEvent.objects.get(pk=event.pk).details
    flat = repr(stored)
    assert "王芳" not in flat
    assert "李明" not in flat
    assert "13987654321" not in flat
    assert stored["count"] == 3
    assert stored["fields"][0] == "email"


def test_a_denied_action_is_screened_as_well():
    event = audit.record_denied(None, "test.refused", reason="邮箱 wang.fang@example.org")
    assert "wang.fang@example.org" not in AuditEvent.objects.get(pk=event.pk).details["reason"]
