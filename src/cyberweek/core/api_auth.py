"""The authentication of the API's organiser operations (`auth=organiser`).

`organiser` is the API's side of the second-factor rule that `core.permissions` holds: an
organiser whose session has not passed the second factor, or a caller with no organiser role,
gets a 403 problem document naming what is missing before the operation runs, and the
refusal is recorded. The schema names its security scheme `OrganiserSession`, so the
operations that need an organiser role can be listed from the schema (tests/api walks them
all). The services check again: `roles_of` is empty before the second factor.
"""

from ninja.security import SessionAuth

from .permissions import require_action

ORGANISER_SCHEME = "OrganiserSession"


class OrganiserSession(SessionAuth):
    """The session of an organiser past the second factor (where required)."""

    # Every `openapi_*` attribute goes into the schema's security scheme.
    openapi_description = (
        "Django session of an organiser; where two-factor sign-in is required (always in "
        "production), the session must have passed it. Otherwise 403 second-factor-required."
    )

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        # Raises a problem naming the second factor, or the missing role; both recorded.
        require_action(user, "organiser.access")
        return user


organiser = OrganiserSession()
