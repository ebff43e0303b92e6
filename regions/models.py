"""The administrative hierarchy of Indonesia with official Kemendagri codes.

Codes are dotted: ``16`` province, ``16.06`` regency, ``16.06.01`` district, ``16.06.01.2001``
village. ``official_name`` is always the name from the latest import; ``name`` is what the portal
shows, which staff may correct (e.g. "Lawang Wetan" for the decree's "Lawan Wetan") without
losing the code. An import updates ``name`` only while staff have not corrected it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


def code_ancestors(code: str) -> list[str]:
    """Return the codes above ``code``: ``"16.06.01"`` gives ``["16", "16.06"]``."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


class RegionQuerySet(models.QuerySet):
    def in_area(self, code: str | None = None):
        """Regions inside the portal's area (``PORTAL_AREA_CODE``, or ``code``).

        Inside means the area itself, everything below it, and the regions above it (so a
        regency portal still knows its province). An empty code is the whole country.
        """
        code = settings.PORTAL_AREA_CODE if code is None else code
        if not code:
            return self.all()
        return self.filter(
            Q(code=code) | Q(code__startswith=code + ".") | Q(code__in=code_ancestors(code))
        )


class Region(TimeStampedModel):
    code = models.CharField(_("Kemendagri code"), max_length=13, unique=True)
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(
        _("official name"),
        max_length=100,
        help_text=_("The name in the imported Kemendagri data. Imports update it."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regions:region-detail", kwargs={"code": self.code})

    @property
    def name_is_corrected(self) -> bool:
        return self.name != self.official_name


class Province(Region):
    class Meta(Region.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class Regency(Region):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta(Region.Meta):
        verbose_name = _("regency or city")
        verbose_name_plural = _("regencies and cities")


class District(Region):
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("regency")
    )

    class Meta(Region.Meta):
        verbose_name = _("district (kecamatan)")
        verbose_name_plural = _("districts (kecamatan)")


class Village(Region):
    class Kind(models.TextChoices):
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("district")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta(Region.Meta):
        verbose_name = _("village (desa/kelurahan)")
        verbose_name_plural = _("villages (desa/kelurahan)")
