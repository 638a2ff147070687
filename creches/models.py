import math
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Sqrt
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from creches import perms
from creches.enums import CareKind, EstablishmentType, Manager
from portal.enums import Weekday

# One degree of latitude (mean Earth radius 6,371 km × π / 180).
KM_PER_DEGREE = 111.195


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def taking_age(self, age_months):
        """Establishments with a section whose age range contains `age_months`."""
        # A subquery rather than a join: no duplicates, so it composes with annotations and pagination.
        return self.filter(
            Exists(
                Section.objects.filter(
                    establishment=OuterRef("pk"), min_age_months__lte=age_months, max_age_months__gte=age_months
                )
            )
        )

    def with_capacity(self):
        return self.annotate(places=Sum("sections__capacity"))

    def in_commune(self, commune):
        return self.filter(commune=commune)

    def nearest_to(self, centre):
        """Annotate `distance_km` from `centre` (latitude, longitude) and order nearest first.

        Equirectangular approximation: at the scale of a territory (tens of km) it is within a few
        metres of the great-circle distance, and it stays one SQL expression (ordered and paginated
        by the database).
        """
        latitude, longitude = centre
        north = Cast("latitude", FloatField()) - Value(float(latitude))
        east = (Cast("longitude", FloatField()) - Value(float(longitude))) * Value(math.cos(math.radians(latitude)))
        distance = ExpressionWrapper(Sqrt(north * north + east * east) * Value(KM_PER_DEGREE), FloatField())
        return self.annotate(distance_km=distance).order_by(F("distance_km").asc(nulls_last=True), "name")

    def opening_by(self, time):
        """Open at `time` at the latest (parents who start work early)."""
        return self.filter(opens_at__lte=time)

    def closing_from(self, time):
        """Still open at `time` (parents who finish late)."""
        return self.filter(closes_at__gte=time)

    def offering(self, care_kind):
        return self.filter(care_kinds__contains=[care_kind])

    def directed_by(self, user):
        return self.filter(directors=user)

    def declarable_by(self, user):
        """Where `user` may declare places (creches.perms.declarable_establishments); the catalogue is public."""
        return self.filter(perms.declarable_establishments(user))


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
    hourly_rate = models.DecimalField(
        _("tarif horaire (€)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_(
            "Micro-crèches PAJE : le prix de l'heure facturé aux familles (10 € au plus pour que la famille "
            "ait droit au CMG). Les crèches PSU appliquent le barème national."
        ),
    )
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
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="establishment_hours_ordered",
                violation_error_message=_("L'heure de fermeture doit être après l'heure d'ouverture."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("creches:establishment", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.capacity is not None and self.insertion_places is not None:
            if self.insertion_places < self.minimum_insertion_places:
                raise ValidationError(
                    {
                        "insertion_places": _(
                            "Au moins %(minimum)s place(s) doivent être réservées aux familles en parcours "
                            "d'insertion pour %(capacity)s places agréées (une par tranche de vingt, article "
                            "L214-7 du CASF)."
                        )
                        % {"minimum": self.minimum_insertion_places, "capacity": self.capacity}
                    }
                )

    @property
    def minimum_insertion_places(self):
        # CASF L214-7: at least one place per twenty for families in an insertion path.
        return self.capacity // 20

    @property
    def opening_days_display(self):
        return [Weekday(day).label for day in sorted(self.opening_days)]

    @property
    def care_kinds_display(self):
        return [CareKind(kind).label for kind in self.care_kinds if kind in CareKind.values]

    @property
    def particular_offers(self):
        """The labels of the particular offers, for pages and exports."""
        offers = []
        if self.atypical_hours:
            offers.append(_("horaires atypiques"))
        if self.disability_friendly:
            offers.append(_("accueil d'enfants en situation de handicap"))
        if self.avip:
            offers.append(_("crèche à vocation d'insertion professionnelle (AVIP)"))
        if self.insertion_places:
            offers.append(
                _("%(count)s place(s) réservée(s) aux familles en parcours d'insertion")
                % {"count": self.insertion_places}
            )
        return offers


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
            models.UniqueConstraint(
                fields=["establishment", "code"],
                name="section_code_unique",
                violation_error_message=_("Une autre section de cet établissement porte déjà ce code."),
            ),
            models.CheckConstraint(
                condition=Q(max_age_months__gte=models.F("min_age_months")),
                name="section_ages_ordered",
                violation_error_message=_("L'âge maximum doit être supérieur ou égal à l'âge minimum."),
            ),
        ]

    def __str__(self):
        return f"{self.establishment} — {self.name}"

    def takes_age(self, age_months):
        return self.min_age_months <= age_months <= self.max_age_months


class PlaceOpeningQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(perms.visible_openings(user))

    def for_establishments(self, establishments):
        return self.filter(section__establishment__in=establishments)

    def with_related(self):
        return self.select_related("section__establishment", "declared_by")


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

    objects = PlaceOpeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("places qui s'ouvrent")
        verbose_name_plural = _("places qui s'ouvrent")
        ordering = ["available_from", "section"]

    def __str__(self):
        return f"{self.count} × {self.section} ({self.available_from:%d/%m/%Y})"


CMG_AMOUNT = {"max_digits": 7, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}
CMG_CEILING = {"max_digits": 9, "decimal_places": 2, "null": True, "blank": True, "validators": [MinValueValidator(0)]}


class FeeScaleQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The version of the barème that applies on `day` (None before the first one)."""
        return self.filter(valid_from__lte=day).order_by("-valid_from").first()

    def latest_version(self):
        return self.order_by("-valid_from").first()


class FeeScale(models.Model):
    """One dated version of the national barème (PSU taux d'effort, resources floor and ceiling, CMG).

    The figures change by CNAF circular; they are data kept by the collectivité, never constants in code.
    A version is never edited once in force: a change is a new version with a later date.
    """

    valid_from = models.DateField(_("en vigueur à partir du"), unique=True)
    resources_floor = models.DecimalField(
        _("plancher de ressources mensuelles (€)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    resources_ceiling = models.DecimalField(
        _("plafond de ressources mensuelles (€)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(1)]
    )
    effort_rate_1 = models.DecimalField(
        _("taux d'effort horaire, 1 enfant (%)"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0)]
    )
    effort_rate_2 = models.DecimalField(
        _("taux d'effort horaire, 2 enfants (%)"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0)]
    )
    effort_rate_3 = models.DecimalField(
        _("taux d'effort horaire, 3 enfants (%)"), max_digits=6, decimal_places=4, validators=[MinValueValidator(0)]
    )
    effort_rate_4_to_7 = models.DecimalField(
        _("taux d'effort horaire, 4 à 7 enfants (%)"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    effort_rate_8_plus = models.DecimalField(
        _("taux d'effort horaire, 8 enfants et plus (%)"),
        max_digits=6,
        decimal_places=4,
        validators=[MinValueValidator(0)],
    )
    reference_hourly_cost = models.DecimalField(
        _("coût horaire de référence du CMG (€)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    # CMG "structure" for a micro-crèche under the PAJE: a monthly maximum by resources bracket (child
    # under 3), the brackets' annual ceilings for one child and what each further child adds.
    cmg_structure_amount_1 = models.DecimalField(
        _("CMG micro-crèche, montant maximal sous le 1er plafond (€ par mois)"), **CMG_AMOUNT
    )
    cmg_structure_amount_2 = models.DecimalField(
        _("CMG micro-crèche, montant maximal sous le 2e plafond (€ par mois)"), **CMG_AMOUNT
    )
    cmg_structure_amount_3 = models.DecimalField(
        _("CMG micro-crèche, montant maximal au-delà du 2e plafond (€ par mois)"), **CMG_AMOUNT
    )
    cmg_structure_ceiling_1 = models.DecimalField(
        _("CMG micro-crèche, 1er plafond de ressources annuelles pour 1 enfant (€)"), **CMG_CEILING
    )
    cmg_structure_ceiling_2 = models.DecimalField(
        _("CMG micro-crèche, 2e plafond de ressources annuelles pour 1 enfant (€)"), **CMG_CEILING
    )
    cmg_structure_ceiling_step_1 = models.DecimalField(
        _("CMG micro-crèche, majoration du 1er plafond par enfant de plus (€)"), **CMG_CEILING
    )
    cmg_structure_ceiling_step_2 = models.DecimalField(
        _("CMG micro-crèche, majoration du 2e plafond par enfant de plus (€)"), **CMG_CEILING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = FeeScaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("barème")
        verbose_name_plural = _("barèmes")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resources_ceiling__gt=models.F("resources_floor")),
                name="fee_scale_floor_below_ceiling",
                violation_error_message=_("Le plafond doit être supérieur au plancher."),
            ),
        ]

    def __str__(self):
        return _("Barème du %(date)s") % {"date": self.valid_from.strftime("%d/%m/%Y")}

    @property
    def cmg_structure(self):
        """The micro-crèche CMG table of this version, or None when it was not entered."""
        from creches.fees import CmgStructure

        values = [
            self.cmg_structure_amount_1,
            self.cmg_structure_amount_2,
            self.cmg_structure_amount_3,
            self.cmg_structure_ceiling_1,
            self.cmg_structure_ceiling_2,
            self.cmg_structure_ceiling_step_1,
            self.cmg_structure_ceiling_step_2,
        ]
        if any(value is None for value in values):
            return None
        return CmgStructure(amounts=tuple(values[:3]), ceilings=tuple(values[3:5]), ceiling_steps=tuple(values[5:]))

    def as_scale(self):
        """The plain value the pure computations of creches.fees work on."""
        from creches.fees import Scale

        return Scale(
            valid_from=self.valid_from,
            floor=self.resources_floor,
            ceiling=self.resources_ceiling,
            effort_rates=(
                self.effort_rate_1,
                self.effort_rate_2,
                self.effort_rate_3,
                self.effort_rate_4_to_7,
                self.effort_rate_8_plus,
            ),
            reference_hourly_cost=self.reference_hourly_cost,
            cmg_structure=self.cmg_structure,
        )
