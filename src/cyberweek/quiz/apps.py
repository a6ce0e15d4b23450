from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizConfig(AppConfig):
    name = "cyberweek.quiz"
    label = "quiz"
    verbose_name = _("Knowledge contest")
    organiser_card = "quiz/organiser/_card.html"
    public_nav = [("quiz:contests", _("Knowledge contest"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)

        from cyberweek.privacy.signals import consent_withdrawn

        consent_withdrawn.connect(_hide_names_on_withdrawal, dispatch_uid="quiz-hide-names")


def _hide_names_on_withdrawal(sender, *, user, purpose, **kwargs):
    from cyberweek.privacy.models import Purpose

    from .services.attempts import hide_names

    if purpose == Purpose.LEADERBOARD_DISPLAY:
        hide_names(user=user)
