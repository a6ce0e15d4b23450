"""Domain errors: what a service raises when it refuses. Views show `message` to a person;
the API turns the error into an RFC 9457 problem response with `status`."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    title = _("The request cannot be carried out")
    slug = "domain-error"

    def __init__(self, message=None, *, field: str | None = None):
        self.message = message or self.title
        self.field = field
        super().__init__(str(self.message))


class NotAuthenticated(DomainError):
    status = 401
    title = _("Sign in first")
    slug = "unauthenticated"


class PermissionDenied(DomainError):
    status = 403
    title = _("You may not do this")
    slug = "permission-denied"


class SecondFactorRequired(PermissionDenied):
    """An organiser whose session has not passed the second factor, where one is required."""

    title = _("Confirm your sign-in with your authenticator first")
    slug = "second-factor-required"


class NotFound(DomainError):
    status = 404
    title = _("Not found")
    slug = "not-found"


class InvalidTransition(DomainError):
    status = 409
    title = _("Not allowed in the current state")
    slug = "invalid-transition"


class Conflict(DomainError):
    status = 409
    title = _("Conflicts with existing data")
    slug = "conflict"


class LimitReached(DomainError):
    status = 429
    title = _("A limit has been reached")
    slug = "limit-reached"


class ValidationFailed(DomainError):
    """Input that passed the form or schema but breaks a rule of the domain. `errors`
    carries every broken rule as (field, message) when a service checks them all at once,
    so a form or a problem response lists them together."""

    status = 422
    title = _("The input is not valid")
    slug = "validation-failed"

    def __init__(self, message=None, *, field: str | None = None, errors=()):
        super().__init__(message, field=field)
        self.errors = list(errors) or ([(field, self.message)] if field else [])


class FileLimitExceeded(DomainError):
    """An uploaded file goes past one of the limits of `core.bounded_files` (its size,
    what it unpacks to, its members, pages, rows or characters). The message names the
    limit; reading stopped there, so nothing of the file was used."""

    status = 413
    title = _("The file is larger than can be read")
    slug = "file-too-large"


class UnreadableFile(ValidationFailed):
    """An uploaded file that is not what its name says, or is damaged."""

    slug = "unreadable-file"


class NulCharacter(ValidationFailed):
    """Text with a NUL character (U+0000): no field takes one, and PostgreSQL cannot store
    it, so it is refused where input enters (query string, form, JSON body, file)."""

    status = 400
    slug = "nul-character"
