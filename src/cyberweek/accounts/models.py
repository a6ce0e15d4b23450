from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cyberweek.core import permissions
from cyberweek.geo.models import Region, Sector

from .identifiers import normalise_email, normalise_mobile


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, *, mobile=None, **extra):
        if not email and not mobile:
            raise ValueError("A user needs an email address or a mobile number.")
        user = self.model(
            email=normalise_email(email) if email else None,
            mobile=normalise_mobile(mobile) if mobile else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: the public, competitors, organisers, staff.

    Only what sign-in needs is required: an email address or a mobile number, and a
    password. Everything else is optional and asked for by the feature that needs it.
    """

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    mobile = models.CharField(_("mobile number"), max_length=20, unique=True, null=True, blank=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(mobile__isnull=False),
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
    def is_organiser(self) -> bool:
        return bool(permissions.roles_of(self))


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
