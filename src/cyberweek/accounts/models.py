from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import permissions
from cyberweek.core.fields import BlindIndexField, EncryptedTextField
from cyberweek.geo.models import Region, Sector

from .identifiers import normalise_email, normalise_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, *, mobile=None, **extra):
        if not email and not mobile:
            raise ValueError("A user needs an email address or a mobile number.")
        # Accounts made here (commands, the demo, the admin) are vouched for by whoever made
        # them; only `services.sign_up` makes accounts that must prove their address first.
        extra.setdefault("verified_at", timezone.now())
        user = self.model(
            email=normalise_email(email) if email else None,
            mobile=normalise_mobile(mobile) if mobile else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email_index=None, password=None, *, email=None, **extra):
        # `createsuperuser` prompts for USERNAME_FIELD (labelled "email address") and passes
        # what was typed as email_index; it is the address itself, not yet its digest.
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email or email_index, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email_index=blind_email(username))

    def by_email(self, email: str):
        return self.filter(email_index=blind_email(email))

    def by_mobile(self, mobile: str):
        return self.filter(mobile_index=blind_mobile(mobile))


def blind_email(value: str) -> str | None:
    return User._meta.get_field("email_index").digest(value)


def blind_mobile(value: str) -> str | None:
    return User._meta.get_field("mobile_index").digest(value)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: the public, competitors, organisers, staff.

    Only what sign-in needs is required: an email address or a mobile number, and a
    password. Everything else is optional and asked for by the feature that needs it.
    """

    # Encrypted at rest; found by their blind indexes (keyed digests), never by plaintext.
    email = EncryptedTextField(_("email address"), null=True, blank=True)
    email_index = BlindIndexField(
        _("email address"),
        source="email",
        normaliser=normalise_email,
        purpose="accounts.user.email",
        unique=True,
    )
    mobile = EncryptedTextField(_("mobile number"), null=True, blank=True)
    mobile_index = BlindIndexField(
        _("mobile number"),
        source="mobile",
        normaliser=normalise_mobile,
        purpose="accounts.user.mobile",
        unique=True,
    )
    display_name = EncryptedTextField(_("display name"), blank=True, default="")
    erased_at = models.DateTimeField(
        _("erased"),
        null=True,
        blank=True,
        help_text=_("Set when the person deleted the account: nothing identifying is left."),
    )
    verified_at = models.DateTimeField(
        _("address confirmed"),
        null=True,
        blank=True,
        help_text=_(
            "When the person entered the code sent to the address or number they signed up "
            "with. Until then the account cannot sign in."
        ),
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email_index"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email_index__isnull=False)
                | Q(mobile_index__isnull=False)
                | Q(erased_at__isnull=False),
                name="user_has_email_or_mobile",
            )
        ]

    def __str__(self):
        return self.display_name or self.masked_identifier

    @property
    def masked_identifier(self) -> str:
        """For screens that must say who without showing the whole address or number."""
        if self.email:
            local, _sep, domain = self.email.partition("@")
            return f"{local[:2]}***@{domain}"
        if self.mobile:
            return f"{self.mobile[:-8]}****{self.mobile[-4:]}"
        return f"#{self.pk}"

    @property
    def masked_name(self) -> str:
        """Who, on a page that shows a person without their personal data: the first
        character of the display name ("李**"), else the masked identifier."""
        name = (self.display_name or "").strip()
        if not name:
            return self.masked_identifier
        return name[0] + "*" * max(len(name) - 1, 2)

    def natural_key(self):
        return (self.email,)

    @property
    def is_organiser(self) -> bool:
        """Holds a role (for menus: the organiser area then asks for the second factor)."""
        return bool(permissions.held_roles(self))


class SignUpCode(models.Model):
    """The code that proves a new account's address: one per unconfirmed account, kept only
    as a keyed digest, short-lived, with a limited number of tries. The digest binds the
    code to the browser that asked for it, and the password chosen there waits here until
    the code is entered: a second sign-up with someone else's address cannot pick the
    password their code will confirm."""

    user = models.OneToOneField(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="sign_up_code"
    )
    code_digest = models.CharField(_("code digest"), max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)
    password = models.CharField(_("password"), max_length=128)

    class Meta:
        verbose_name = _("sign-up code")
        verbose_name_plural = _("sign-up codes")

    def __str__(self):
        return f"#{self.user_id}"


class OrganiserRole(models.Model):
    """An organiser's responsibility: a level, the region it covers, optionally a sector."""

    class Level(models.TextChoices):
        NATIONAL = permissions.NATIONAL, _("National")
        PROVINCIAL = permissions.PROVINCIAL, _("Provincial")
        PREFECTURAL = permissions.PREFECTURAL, _("Prefectural")
        COUNTY = permissions.COUNTY, _("County")
        UNIT = permissions.UNIT, _("Unit")

    # The region level each role level must sit on; a unit sits in any region.
    REGION_LEVEL = {
        Level.NATIONAL: Region.Level.COUNTRY,
        Level.PROVINCIAL: Region.Level.PROVINCE,
        Level.PREFECTURAL: Region.Level.PREFECTURE,
        Level.COUNTY: Region.Level.COUNTY,
    }

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="organiser_roles"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, blank=True)
    unit_name = models.CharField(_("unit"), max_length=120, blank=True)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("organiser role")
        verbose_name_plural = _("organiser roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level", "region", "sector", "unit_name"], name="unique_role"
            )
        ]

    def __str__(self):
        parts = [self.get_level_display(), str(self.region)]
        if self.sector:
            parts.append(self.get_sector_display())
        if self.unit_name:
            parts.append(self.unit_name)
        return " · ".join(parts)


@receiver([post_save, post_delete], sender=OrganiserRole, dispatch_uid="organiser-roles-cached")
def _roles_written(sender, instance, **kwargs):
    """Roles are written by the services, the admin's inline, erasure (a queryset delete),
    the demo loader and test factories: a signal is the one place all of them pass, so the
    cached copy of the user's roles (core.permissions.held_roles) follows every write."""
    permissions.roles_changed(instance.user_id)
