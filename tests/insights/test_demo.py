import io
import re

import pytest
from django.core.management import call_command

from cyberweek.accounts.models import User

pytestmark = pytest.mark.django_db


def test_after_the_demo_the_national_dashboards_of_both_editions_are_full(client):
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.by_email("national@example.org").get())
    for year in ("2019", ""):
        page = client.get("/en/organiser/insights/", {"year": year} if year else {})
        assert page.status_code == 200
        text = page.content.decode()
        activities = int(re.search(r'data-metric="activities">(\d+)<', text).group(1))
        assert activities > 0
    # The current edition has contest attempts, tips and registrations to show too.
    for metric in ("quiz_attempts", "registrations", "tip_phishing"):
        assert int(re.search(rf'data-metric="{metric}">(\d+)<', text).group(1)) > 0, metric
