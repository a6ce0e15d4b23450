from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Realistic demo data for `make demo`; each domain contributes a module here."""

    name = "cyberweek.demo"
    label = "demo"
