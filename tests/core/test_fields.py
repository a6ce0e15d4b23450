import pytest
from django.db import connection

from cyberweek.accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, mobile, display_name, email_index FROM accounts_user WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_personal_fields_are_ciphertext_in_the_database():
    user = UserFactory(email="li.hua@example.org", mobile="+8613812345678", display_name="李华")
    email, mobile, name, index = raw_row(user.pk)
    for stored in (email, mobile, name):
        assert stored.startswith("cw1:")
    assert "li.hua" not in email
    assert "13812345678" not in mobile
    assert "李华" not in name
    assert len(index) == 64


def test_people_are_found_by_blind_index_not_by_plaintext():
    user = UserFactory(email="li.hua@example.org")
    assert User.objects.by_email("LI.HUA@example.org").get() == user
    with pytest.raises(TypeError, match="filter on its blind index"):
        User.objects.filter(email="li.hua@example.org").exists()


def test_reading_back_gives_the_plaintext():
    user = UserFactory(email="li.hua@example.org", display_name="李华")
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.email, fresh.display_name) == ("li.hua@example.org", "李华")
