from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizConfig(AppConfig):
    name = "cyberweek.quiz"
    label = "quiz"
    verbose_name = _("Knowledge contest")
    organiser_card = "quiz/organiser/_card.html"
    public_nav = [("quiz:contests", _("Contest"))]

    def ready(self):
        from cyberweek.core.permissions import register_actions

        from .actions import LEVELS

        register_actions(LEVELS)

        from cyberweek.privacy.signals import consent_given, consent_withdrawn

        # The leaderboard-display consent lives in the privacy centre; entries follow it
        # whichever way it was given or withdrawn (there, or the contest's checkbox).
        consent_given.connect(_show_names_on_consent, dispatch_uid="quiz-show-names")
        consent_withdrawn.connect(_hide_names_on_withdrawal, dispatch_uid="quiz-hide-names")


def _show_names_on_consent(sender, *, user, purpose, **kwargs):
    from cyberweek.privacy.models import Purpose

    from .services.attempts import show_names

    if purpose == Purpose.LEADERBOARD_DISPLAY:
        show_names(user=user)


def _hide_names_on_withdrawal(sender, *, user, purpose, **kwargs):
    from cyberweek.privacy.models import Purpose

    from .services.attempts import hide_names

    if purpose == Purpose.LEADERBOARD_DISPLAY:
        hide_names(user=user)
