from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from creches.enums import CareKind, EstablishmentType, Manager, Weekday


def months_between(birth, day):
    """Whole months of age on `day` for a child born (or due) on `birth`; negative before birth."""
    months = (day.year - birth.year) * 12 + day.month - birth.month
    return months - 1 if day.day < birth.day else months


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def taking_age(self, age_months):
        """Establishments with a section whose age range contains `age_months`."""
        return self.filter(
            sections__min_age_months__lte=age_months, sections__max_age_months__gte=age_months
        ).distinct()

    def with_capacity(self):
        return self.annotate(places=Sum("sections__capacity"))


class Establishment(models.Model):
    """An établissement d'accueil du jeune enfant (EAJE) of the territory."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=EstablishmentType.choices)
    manager = models.CharField(_("gestionnaire"), max_length=20, choices=Manager.choices)
    manager_name = models.CharField(_("nom du gestionnaire"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(_("code postal"), max_length=5)
    code_insee = models.CharField(_("code INSEE de la commune"), max_length=5)
    commune = models.CharField(_("commune"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    opening_days = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices),
        verbose_name=_("jours d'ouverture"),
        default=list,
    )
    opens_at = models.TimeField(_("ouverture"))
    closes_at = models.TimeField(_("fermeture"))
    capacity = models.PositiveSmallIntegerField(_("capacité d'agrément"))
    care_kinds = ArrayField(
        models.CharField(max_length=20, choices=CareKind.choices), verbose_name=_("accueils proposés"), default=list
    )
    atypical_hours = models.BooleanField(_("horaires atypiques"), default=False)
    disability_friendly = models.BooleanField(_("accueil d'enfants en situation de handicap"), default=False)
    avip = models.BooleanField(_("crèche à vocation d'insertion professionnelle (AVIP)"), default=False)
    insertion_places = models.PositiveSmallIntegerField(
        _("places réservées aux familles en parcours d'insertion"),
        default=0,
        help_text=_("Au moins une place par tranche de vingt places (article L214-7 du CASF)."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    directors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("direction"), related_name="directed_establishments", blank=True
    )
    is_active = models.BooleanField(_("ouvert"), default=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        ordering = ["commune", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="establishment_hours_ordered"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def minimum_insertion_places(self):
        # CASF L214-7: at least one place per twenty for families in an insertion path.
        return self.capacity // 20


class Section(models.Model):
    """An age group of an establishment (bébés, moyens, grands…) with its own places."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="sections", verbose_name=_("établissement")
    )
    name = models.CharField(_("nom"), max_length=100)
    code = models.SlugField(_("code"), max_length=40)
    min_age_months = models.PositiveSmallIntegerField(_("âge minimum (mois)"), validators=[MaxValueValidator(72)])
    max_age_months = models.PositiveSmallIntegerField(
        _("âge maximum (mois)"), validators=[MinValueValidator(1), MaxValueValidator(72)]
    )
    capacity = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["establishment", "min_age_months"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "code"], name="section_code_unique"),
            models.CheckConstraint(
                condition=Q(max_age_months__gte=models.F("min_age_months")), name="section_ages_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.establishment} — {self.name}"

    def takes_age(self, age_months):
        return self.min_age_months <= age_months <= self.max_age_months


class PlaceOpening(models.Model):
    """Places that open in a section from a date: what a commission allocates."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="openings", verbose_name=_("section"))
    count = models.PositiveSmallIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    available_from = models.DateField(_("disponibles à partir du"))
    note = models.CharField(_("précision"), max_length=255, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("déclarées par"),
    )
    declared_at = models.DateTimeField(_("déclarées le"), auto_now_add=True)

    class Meta:
        verbose_name = _("places qui s'ouvrent")
        verbose_name_plural = _("places qui s'ouvrent")
        ordering = ["available_from", "section"]

    def __str__(self):
        return f"{self.count} × {self.section} ({self.available_from:%d/%m/%Y})"
