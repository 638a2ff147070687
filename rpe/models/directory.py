"""Relais, their lieux and animatrices, and the assistant-maternel directory with its availability."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rpe.enums import (
    ActivityStatus,
    AvailabilityChangeKind,
    AvailabilityStatus,
    ChangedBy,
    HalfDay,
    LieuKind,
    Workplace,
)

__all__ = [
    "Relais",
    "Lieu",
    "RelaisMembership",
    "Mam",
    "AssistantMaternel",
    "AgrementPlace",
    "Availability",
    "AvailabilityChange",
    "STALE_AFTER",
]

CODE_INSEE = RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("Un code INSEE a 5 caractères (par exemple 85178)."))

# A profile whose availability nobody confirmed for this long is marked and ranked after the others.
STALE_AFTER = datetime.timedelta(days=183)


class Relais(models.Model):
    """A relais petite enfance covering some communes of the collectivité."""

    name = models.CharField(_("nom"), max_length=200)
    communes = ArrayField(
        models.CharField(max_length=5, validators=[CODE_INSEE]),
        verbose_name=_("communes couvertes (codes INSEE)"),
        default=list,
        blank=True,
    )
    email = models.EmailField(_("courriel"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    is_itinerant = models.BooleanField(
        _("itinérant"), default=False, help_text=_("Le relais tient ses permanences et ateliers dans plusieurs lieux.")
    )

    class Meta:
        verbose_name = _("relais petite enfance")
        verbose_name_plural = _("relais petite enfance")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Lieu(models.Model):
    """A place where a relais receives people or runs ateliers (siège, mairie, médiathèque…)."""

    relais = models.ForeignKey(Relais, on_delete=models.CASCADE, related_name="lieux", verbose_name=_("relais"))
    kind = models.CharField(_("type de lieu"), max_length=20, choices=LieuKind.choices, default=LieuKind.OTHER)
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    code_insee = models.CharField(_("commune (code INSEE)"), max_length=5, validators=[CODE_INSEE])
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["relais", "name"]

    def __str__(self):
        return self.name


class RelaisMembership(models.Model):
    """An animatrice works for this relais (she may work for several)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="relais_memberships",
        verbose_name=_("animatrice"),
    )
    relais = models.ForeignKey(Relais, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("relais"))

    class Meta:
        verbose_name = _("animatrice du relais")
        verbose_name_plural = _("animatrices du relais")
        constraints = [models.UniqueConstraint(fields=["user", "relais"], name="rpe_membership_once")]

    def __str__(self):
        return f"{self.user} — {self.relais}"


class Mam(models.Model):
    """A maison d'assistants maternels: several AM working together outside their homes."""

    relais = models.ForeignKey(Relais, on_delete=models.PROTECT, related_name="mams", verbose_name=_("relais"))
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    code_insee = models.CharField(_("commune (code INSEE)"), max_length=5, validators=[CODE_INSEE])
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)

    class Meta:
        verbose_name = _("maison d'assistants maternels")
        verbose_name_plural = _("maisons d'assistants maternels")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AssistantMaternelQuerySet(models.QuerySet):
    def listed(self):
        """Who families may find: in activity (suspended and archived AM are not listed)."""
        return self.filter(activity_status=ActivityStatus.ACTIVE)

    def remindable(self):
        """Who the availability reminders are for: listed AM with an address to write to."""
        return self.listed().exclude(email="", user__isnull=True)

    def not_confirmed_since(self, day):
        return self.filter(Q(availability_confirmed_on__isnull=True) | Q(availability_confirmed_on__lt=day))

    def with_capacity(self):
        return self.annotate(capacity_total=Sum("places__count"))

    def ranked(self, today=None):
        """Fresh profiles first: those not confirmed for more than six months come last (then by name)."""
        today = today or timezone.localdate()
        return self.annotate(
            stale_rank=models.Case(
                models.When(availability_confirmed_on__gte=today - STALE_AFTER, then=0),
                default=1,
                output_field=models.IntegerField(),
            )
        ).order_by("stale_rank", "last_name", "first_name", "pk")


class AssistantMaternel(models.Model):
    """An assistant·e maternel·le agréé·e of the territory, whether or not she has an account here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistant_maternel",
        verbose_name=_("compte"),
    )
    relais = models.ForeignKey(
        Relais, on_delete=models.PROTECT, related_name="assistants_maternels", verbose_name=_("relais")
    )
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    birth_year = models.PositiveSmallIntegerField(
        _("année de naissance"), null=True, blank=True, validators=[MinValueValidator(1930), MaxValueValidator(2020)]
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    code_insee = models.CharField(_("commune (code INSEE)"), max_length=5, validators=[CODE_INSEE])
    # The precise location (geocoded address) never leaves the server unless the address is published;
    # the coarse one (commune centre or a grid cell, see rpe.geo) is what the public map and search use.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coarse_latitude = models.FloatField(_("latitude approximative"), null=True, blank=True)
    coarse_longitude = models.FloatField(_("longitude approximative"), null=True, blank=True)

    agrement_number = models.CharField(_("numéro d'agrément"), max_length=40, unique=True)
    agrement_date = models.DateField(_("date d'agrément"), null=True, blank=True)
    renewal_due_on = models.DateField(_("renouvellement dû le"), null=True, blank=True)
    workplace = models.CharField(
        _("lieu d'exercice"), max_length=10, choices=Workplace.choices, default=Workplace.HOME
    )
    mam = models.ForeignKey(
        Mam,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assistants_maternels",
        verbose_name=_("MAM"),
    )

    languages = ArrayField(
        models.CharField(max_length=10),
        verbose_name=_("langues parlées (codes ISO 639-1)"),
        default=list,
        blank=True,
    )
    early_hours = models.BooleanField(_("accueil avant 7 h"), default=False)
    late_hours = models.BooleanField(_("accueil après 20 h"), default=False)
    saturday = models.BooleanField(_("accueil le samedi"), default=False)
    sunday = models.BooleanField(_("accueil le dimanche"), default=False)
    night = models.BooleanField(_("accueil la nuit"), default=False)
    disability = models.BooleanField(_("accueil d'enfants en situation de handicap"), default=False)
    periscolaire = models.BooleanField(_("accueil périscolaire"), default=False)
    school_holidays = models.BooleanField(_("accueil pendant les vacances scolaires"), default=False)
    emergency_cover = models.BooleanField(_("accueil d'urgence ou de dépannage"), default=False)

    activity_status = models.CharField(
        _("activité"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.ACTIVE
    )
    activity_status_on = models.DateField(_("activité modifiée le"), null=True, blank=True)
    arrived_on = models.DateField(
        _("arrivée sur le territoire"),
        null=True,
        blank=True,
        help_text=_("Première présence sur la liste d'agrément."),
    )
    archived_on = models.DateField(_("archivé·e le"), null=True, blank=True)

    # Décret 2021-1131: the AM may refuse the publication of her address, her phone or her email.
    publish_phone = models.BooleanField(_("publier mon téléphone"), default=False)
    publish_email = models.BooleanField(_("publier mon courriel"), default=False)
    publish_address = models.BooleanField(_("publier mon adresse"), default=False)

    availability_confirmed_on = models.DateField(_("disponibilités à jour au"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = AssistantMaternelQuerySet.as_manager()

    class Meta:
        verbose_name = _("assistant·e maternel·le")
        verbose_name_plural = _("assistant·es maternel·les")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workplace=Workplace.HOME) | Q(mam__isnull=False),
                name="rpe_am_in_mam_names_it",
            ),
        ]
        indexes = [
            models.Index(fields=["coarse_latitude", "coarse_longitude"], name="rpe_am_coarse_location"),
            models.Index(fields=["latitude", "longitude"], name="rpe_am_location"),
            models.Index(fields=["code_insee"], name="rpe_am_commune"),
            models.Index(fields=["activity_status", "availability_confirmed_on"], name="rpe_am_freshness"),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_listed(self):
        return self.activity_status == ActivityStatus.ACTIVE

    def is_stale(self, today=None):
        today = today or timezone.localdate()
        return self.availability_confirmed_on is None or self.availability_confirmed_on < today - STALE_AFTER

    @property
    def capacity(self):
        return sum(place.count for place in self.places.all())

    def public_location(self):
        """(latitude, longitude) that may be shown: precise only when the address is published."""
        if self.publish_address and self.latitude is not None:
            return self.latitude, self.longitude
        return self.coarse_latitude, self.coarse_longitude


class AgrementPlace(models.Model):
    """Places of the agrément for an age band (e.g. 2 places from birth to 3 years), possibly by dérogation."""

    am = models.ForeignKey(
        AssistantMaternel, on_delete=models.CASCADE, related_name="places", verbose_name=_("assistant·e maternel·le")
    )
    age_min_months = models.PositiveSmallIntegerField(_("âge minimum (mois)"), default=0)
    age_max_months = models.PositiveSmallIntegerField(_("âge maximum (mois)"), default=36)
    count = models.PositiveSmallIntegerField(
        _("nombre de places"), default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    is_derogation = models.BooleanField(_("par dérogation"), default=False)

    class Meta:
        verbose_name = _("place d'agrément")
        verbose_name_plural = _("places d'agrément")
        ordering = ["am", "age_min_months", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(age_min_months__lt=models.F("age_max_months")), name="rpe_place_ages"),
        ]

    def __str__(self):
        return _("%(count)s place(s) de %(min)s à %(max)s mois") % {
            "count": self.count,
            "min": self.age_min_months,
            "max": self.age_max_months,
        }


class AvailabilityQuerySet(models.QuerySet):
    def declared_free(self):
        return self.exclude(status=AvailabilityStatus.NONE)

    def free_on(self, day):
        """Places free on that day: now, or from a date no later than it."""
        return self.filter(
            Q(status=AvailabilityStatus.NOW) | Q(status=AvailabilityStatus.FROM_DATE, available_from__lte=day)
        )


class Availability(models.Model):
    """What the AM declares for one agrément place: free now, from a date, or not."""

    place = models.OneToOneField(
        AgrementPlace, on_delete=models.CASCADE, related_name="availability", verbose_name=_("place d'agrément")
    )
    status = models.CharField(
        _("disponibilité"), max_length=20, choices=AvailabilityStatus.choices, default=AvailabilityStatus.NONE
    )
    available_from = models.DateField(_("libre à partir du"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("places libres"), default=1, validators=[MinValueValidator(1)])
    half_days = ArrayField(
        models.CharField(max_length=6, choices=HalfDay.choices),
        verbose_name=_("demi-journées proposées"),
        default=list,
        blank=True,
    )
    age_min_months = models.PositiveSmallIntegerField(_("âge minimum (mois)"), default=0)
    age_max_months = models.PositiveSmallIntegerField(_("âge maximum (mois)"), default=36)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mis à jour par"),
    )
    updated_on = models.DateTimeField(_("mis à jour le"), default=timezone.now)

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("disponibilité")
        verbose_name_plural = _("disponibilités")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=AvailabilityStatus.FROM_DATE) | Q(available_from__isnull=False),
                name="rpe_availability_from_has_date",
            ),
            models.CheckConstraint(
                condition=Q(age_min_months__lt=models.F("age_max_months")), name="rpe_availability_ages"
            ),
        ]
        indexes = [models.Index(fields=["status", "available_from"], name="rpe_availability_free")]

    def __str__(self):
        return self.get_status_display()


class AvailabilityChange(models.Model):
    """The log of availability: each declaration or "nothing has changed", by whom and how."""

    am = models.ForeignKey(
        AssistantMaternel,
        on_delete=models.CASCADE,
        related_name="availability_changes",
        verbose_name=_("assistant·e maternel·le"),
    )
    kind = models.CharField(_("nature"), max_length=20, choices=AvailabilityChangeKind.choices)
    changed_by = models.CharField(_("par"), max_length=20, choices=ChangedBy.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compte"),
    )
    # What was declared, place by place, as it stood after the change.
    snapshot = models.JSONField(_("déclaration"), default=list, blank=True)
    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("déclaration de disponibilités")
        verbose_name_plural = _("déclarations de disponibilités")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.am} {self.created_at:%Y-%m-%d}"
