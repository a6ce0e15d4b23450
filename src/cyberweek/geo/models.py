from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .romanise import english_name


class Sector(models.TextChoices):
    """The nine sectors in which local publicity activities are run."""

    COMMUNITY = "community", _("Communities")
    COUNTRYSIDE = "countryside", _("Countryside")
    ENTERPRISE = "enterprise", _("Enterprises")
    GOVERNMENT = "government", _("Government agencies")
    SCHOOL = "school", _("Schools")
    MILITARY = "military", _("Military camps")
    FAMILY = "family", _("Families")
    CONSTRUCTION = "construction", _("Construction sites")
    WEBSITE = "website", _("Websites")


class Region(models.Model):
    """An administrative division with its GB/T 2260 code.

    `path` lists the codes from the country down to this region ("/110000/110100/110101/"),
    so a whole subtree is one indexed prefix match; the country itself is "/".
    """

    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        PROVINCE = "province", _("Province")
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County")

    code = models.CharField(_("code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=40, unique=True)
    is_active = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("Divisions that were merged or abolished stay for history but are hidden."),
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        english = (get_language() or "").startswith("en")
        if english and self.name_en:
            return self.name_en
        # Municipalities have a prefecture level named "市辖区" (districts under the city);
        # alone it says nothing, so name the municipality with it.
        if self.name in {"市辖区", "县"} and self.parent_id:
            if english:
                part = _("city districts") if self.name == "市辖区" else _("counties")
                return f"{self.parent.display_name} ({part})"
            return f"{self.parent.display_name}{self.name}"
        # The data set names only provinces in English: the others read in pinyin.
        return english_name(self.name) if english else self.name

    def is_within(self, other: "Region") -> bool:
        return self.path.startswith(other.path)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1
