from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissions import scoring
from commissions.enums import CriterionKind, RegulationStatus, ReservationFlag


class RegulationQuerySet(models.QuerySet):
    def adopted(self):
        return self.filter(status=RegulationStatus.ADOPTED)

    def drafts(self):
        return self.filter(status=RegulationStatus.DRAFT)

    def in_force(self, on=None):
        """The adopted version with the latest adoption date on or before `on` (today by default), or None."""
        on = on or timezone.localdate()
        return self.adopted().filter(adopted_on__lte=on).order_by("-adopted_on", "-version").first()


class Regulation(models.Model):
    """One version of the règlement d'attribution des places, as voted by the collectivité's assembly.

    A version is a draft while the administrator writes it; once adopted it is frozen (services and forms refuse
    any change): a change of rules is a new version, usually a copy of the one in force.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("titre"), max_length=200)
    introduction = models.TextField(
        _("présentation"),
        max_length=4000,
        blank=True,
        help_text=_("Quelques phrases pour les familles : à quoi sert la grille, comment elle est appliquée."),
    )
    status = models.CharField(
        _("état"), max_length=10, choices=RegulationStatus.choices, default=RegulationStatus.DRAFT
    )
    adopted_on = models.DateField(_("adopté le"), null=True, blank=True)
    deliberation = models.CharField(
        _("référence de la délibération"), max_length=120, blank=True, help_text=_("Par exemple : DCM 2025-42.")
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("copie de")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adoption enregistrée le"), null=True, blank=True)

    objects = RegulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("règlement d'attribution")
        verbose_name_plural = _("règlements d'attribution")
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=RegulationStatus.DRAFT)
                | (Q(status=RegulationStatus.ADOPTED, adopted_on__isnull=False) & ~Q(deliberation="")),
                name="regulation_adopted_has_date_and_deliberation",
                violation_error_message=_("Un règlement adopté a une date d'adoption et une délibération."),
            ),
        ]

    def __str__(self):
        return _("Version %(version)s — %(title)s") % {"version": self.version, "title": self.title}

    @property
    def is_frozen(self):
        return self.status == RegulationStatus.ADOPTED

    def rules(self):
        """The grid as the plain values of commissions.scoring (criteria in their order)."""
        return [criterion.as_rule() for criterion in self.criteria.all()]


class Criterion(models.Model):
    """A line of the grid: who gets how many points, and why, in words a family understands."""

    regulation = models.ForeignKey(
        Regulation, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("règlement")
    )
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Identifiant court, sans espace ni accent (ex. : quotient-familial).")
    )
    label = models.CharField(_("libellé"), max_length=200)
    explanation = models.TextField(
        _("explication pour les familles"),
        max_length=1000,
        blank=True,
        help_text=_("Ce qui est pris en compte et sur quel justificatif."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    kind = models.CharField(_("type"), max_length=30, choices=CriterionKind.choices)
    parameters = models.JSONField(_("paramètres"), default=dict)

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["regulation", "code"],
                name="criterion_code_unique",
                violation_error_message=_("Un autre critère de ce règlement porte déjà ce code."),
            ),
        ]

    def __str__(self):
        return self.label

    def clean(self):
        super().clean()
        try:
            self.parameters = scoring.clean_parameters(self.kind, self.parameters)
        except scoring.ParameterError as error:
            raise ValidationError({"parameters": error.messages}) from error

    def as_rule(self):
        return scoring.Rule(code=self.code, label=self.label, kind=self.kind, parameters=self.parameters)

    @property
    def points_in_words(self):
        return scoring.describe(self.as_rule())


class ReservationQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("section__establishment")

    def of_active_establishments(self):
        return self.filter(section__establishment__is_active=True)


class Reservation(models.Model):
    """Places of a section set aside for families with a flag (the engine's `reserved`)."""

    section = models.ForeignKey(
        "creches.Section", on_delete=models.CASCADE, related_name="reservations", verbose_name=_("section")
    )
    flag = models.CharField(_("public prioritaire"), max_length=20, choices=ReservationFlag.choices)
    count = models.PositiveSmallIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("places réservées")
        verbose_name_plural = _("places réservées")
        ordering = ["section__establishment__name", "section__min_age_months", "flag"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "flag"],
                name="reservation_flag_unique",
                violation_error_message=_("Cette section a déjà une réservation pour ce public : modifiez-la."),
            ),
        ]

    def __str__(self):
        return f"{self.section} — {self.get_flag_display()} : {self.count}"

    def clean(self):
        super().clean()
        if self.section_id is None or self.count is None:
            return
        # The engine refuses a group whose reserved places exceed its capacity: say it here, in French.
        others = (
            Reservation.objects.filter(section_id=self.section_id).exclude(pk=self.pk).aggregate(total=Sum("count"))
        )["total"] or 0
        capacity = self.section.capacity
        if others + self.count > capacity:
            raise ValidationError(
                {
                    "count": _(
                        "La section « %(section)s » a %(capacity)s places : %(others)s sont déjà réservées à "
                        "d'autres publics, il en reste au plus %(left)s à réserver."
                    )
                    % {
                        "section": self.section.name,
                        "capacity": capacity,
                        "others": others,
                        "left": max(0, capacity - others),
                    }
                }
            )
