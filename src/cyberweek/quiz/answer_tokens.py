"""Answer tokens: how an app saves a contest's answers without the session.

Answers are most of the contest's traffic. Through the session cookie, each one first
costs the session row, the user row and the CSRF check. When an attempt starts (or is
read back), the API gives its owner a token, signed with SECRET_KEY, that names the attempt
and its owner. `PUT /api/quiz/attempts/{id}/answers/{position}` with
`Authorization: Bearer <token>` then knows who is answering without reading the database;
the one statement that stores the answer still checks that the attempt is theirs, open
and inside its deadline (`answer_store`). So a token is good for that one attempt only,
and for nothing once the attempt is submitted or its time is up. It travels in a header,
never in a cookie, so no other site can make a browser send it: there is nothing to forge
across sites and no CSRF token to check. Rotating SECRET_KEY (old key in
SECRET_KEY_FALLBACKS) keeps the tokens of running attempts valid.
"""

from dataclasses import dataclass

from django.core import signing
from django.utils.translation import gettext as _

from cyberweek.core.errors import NotAuthenticated

SALT = "cyberweek.quiz.answer-token"


@dataclass(frozen=True)
class AnswerGrant:
    """Who may answer which attempt, as the token says. It stands in for the user as the
    services' `actor`: saving an answer needs only the person's id (`pk`)."""

    attempt_id: int
    user_id: int

    @property
    def pk(self) -> int:
        return self.user_id


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def issue(attempt) -> str:
    return _signer().sign(f"{attempt.pk}.{attempt.user_id}")


def read(token: str) -> AnswerGrant | None:
    """The grant a token carries, or None if it was not signed by us."""
    try:
        attempt_id, _dot, user_id = _signer().unsign(token).partition(".")
        return AnswerGrant(int(attempt_id), int(user_id))
    except (signing.BadSignature, ValueError):
        return None


def grant_for(token: str, attempt_id: int) -> AnswerGrant:
    """The grant of a token brought to save an answer of `attempt_id`; a token that was not
    signed by us, or was issued for another attempt, is refused (401)."""
    grant = read(token)
    if grant is None or grant.attempt_id != attempt_id:
        raise NotAuthenticated(_("This answer token is not valid for this attempt."))
    return grant
