import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from django_tenants.utils import schema_exists

from portal.enums import CollectiviteKind

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Indiquez une couleur au format #RRGGBB."))


def relative_luminance(hex_colour):
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour):
    return 1.05 / (relative_luminance(hex_colour) + 0.05)


def validate_contrast_with_white(value):
    # The main colour is a background for white text: it must meet WCAG AA (4.5:1).
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") and contrast_with_white(value) < 4.5:
        raise ValidationError(
            _(
                "Cette couleur est trop claire : le texte blanc posé dessus ne serait pas lisible (contraste %(ratio)s:1, 4,5:1 requis)."
            ),
            params={"ratio": f"{contrast_with_white(value):.1f}".replace(".", ",")},
        )


def validate_communes(value):
    if not isinstance(value, list):
        raise ValidationError(_("Les communes forment une liste."))
    for commune in value:
        if (
            not isinstance(commune, dict)
            or not re.fullmatch(r"(\d{5}|2[AB]\d{3})", str(commune.get("code_insee", "")))
            or not str(commune.get("nom", "")).strip()
        ):
            raise ValidationError(_("Chaque commune a un code INSEE à 5 caractères et un nom."))
        if not valid_centre(commune):
            raise ValidationError(_("Le centre d'une commune a une latitude et une longitude en degrés décimaux."))


def valid_centre(commune):
    """A commune's centre (latitude, longitude) is optional; when given, both are numbers on Earth."""
    latitude, longitude = commune.get("latitude"), commune.get("longitude")
    if latitude is None and longitude is None:
        return True
    numbers = all(isinstance(value, int | float) and not isinstance(value, bool) for value in (latitude, longitude))
    return numbers and -90 <= latitude <= 90 and -180 <= longitude <= 180


class SingletonSettings(models.Model):
    """A collectivité's settings for one app: a single row in its schema."""

    class Meta:
        abstract = True

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls):
        return cls.objects.get_or_create(pk=1)[0]


@dataclass(frozen=True)
class Commune:
    """A commune of a collectivité's territory; its centre (for the map and proximity) may be unknown."""

    code_insee: str
    name: str
    latitude: float | None = None
    longitude: float | None = None


def names_of(territory):
    return {commune.code_insee: commune.name for commune in territory}


class Collectivite(TenantMixin):
    """A collectivité (commune or intercommunalité): one PostgreSQL schema of its own."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=63, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=CollectiviteKind.choices)
    communes = models.JSONField(
        _("communes"),
        default=list,
        blank=True,
        validators=[validate_communes],
        help_text=_("Code INSEE, nom et, pour la carte et la recherche de proximité, centre de chaque commune."),
    )
    contact_email = models.EmailField(_("courriel de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone de contact"), max_length=30, blank=True)
    contact_address = models.TextField(_("adresse du service petite enfance"), blank=True)
    sender_email = models.EmailField(
        _("adresse d'expédition des courriels"),
        blank=True,
        help_text=_(
            "Adresse de votre domaine autorisée à envoyer pour la plateforme. Vide : ne-pas-repondre@ suivi du "
            "domaine du guichet ; les réponses vont toujours au courriel de contact."
        ),
    )
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    main_colour = models.CharField(
        _("couleur principale"),
        max_length=7,
        default="#000091",
        validators=[HEX_COLOUR, validate_contrast_with_white],
    )
    is_demo = models.BooleanField(_("données fictives"), default=False)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        verbose_name = _("collectivité")
        verbose_name_plural = _("collectivités")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Rename a spare copy of the template, else copy it (see portal.spares), else migrate from scratch."""
        from portal.cloning import clone_template
        from portal.spares import spare_claim

        template = settings.TENANT_BASE_SCHEMA
        cloning = settings.TENANT_CREATION_FAKES_MIGRATIONS and sync_schema
        if cloning and schema_exists(template) and not schema_exists(self.schema_name):
            if not spare_claim(template, self.schema_name):
                clone_template(template, self.schema_name)
            connection.set_schema_to_public()
            return True
        return super().create_schema(check_if_exists=check_if_exists, sync_schema=sync_schema, verbosity=verbosity)

    def territory(self):
        """The territory's communes, as entered: the one way to read `communes`."""
        return [
            Commune(commune["code_insee"], commune["nom"], commune.get("latitude"), commune.get("longitude"))
            for commune in self.communes
        ]

    @classmethod
    def current_territory(cls):
        """The territory of the collectivité whose schema is active; none on the platform."""
        tenant = getattr(connection, "tenant", None)
        return tenant.territory() if isinstance(tenant, cls) else []

    def commune_names(self):
        """{code INSEE: name} of the territory's communes."""
        return names_of(self.territory())

    @classmethod
    def current_commune_names(cls):
        """{code INSEE: name} of the active collectivité's communes; none on the platform."""
        return names_of(cls.current_territory())

    def commune_name(self, code_insee):
        """The name of a commune of the territory; a code outside it reads as itself."""
        return self.commune_names().get(code_insee, code_insee)

    def commune(self, code_insee=None, name=None):
        """The territory's commune with this code INSEE (or, failing a code, this name), or None."""
        for commune in self.territory():
            if (code_insee and commune.code_insee == code_insee) or (name and commune.name == name):
                return commune
        return None

    def commune_centre(self, name):
        """(latitude, longitude) of a commune of the territory by its name, or None when unknown."""
        for commune in self.territory():
            if commune.name == name and commune.latitude is not None:
                return commune.latitude, commune.longitude
        return None


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")

    def __str__(self):
        return self.domain
