from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from observatoire.enums import BuildState, DepartureReason, ReportSection
from portal.models import SingletonSettings

CODE_INSEE = RegexValidator(r"^(\d{5}|2[AB]\d{3})$", _("Un code INSEE a cinq caractères (2A/2B pour la Corse)."))


class CommunePopulation(models.Model):
    """Children under 3 living in a commune, from the INSEE file the collectivité imports (denominator of the
    coverage rate)."""

    code_insee = models.CharField(_("code INSEE"), max_length=5, validators=[CODE_INSEE])
    year = models.PositiveSmallIntegerField(_("année de référence"), validators=[MinValueValidator(1990)])
    children_under_3 = models.PositiveIntegerField(_("enfants de moins de 3 ans"))
    name = models.CharField(_("commune"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=200, default="INSEE")
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        verbose_name = _("population de moins de 3 ans")
        verbose_name_plural = _("populations de moins de 3 ans")
        ordering = ["-year", "code_insee"]
        constraints = [models.UniqueConstraint(fields=["code_insee", "year"], name="obs_population_commune_year")]

    def __str__(self):
        return f"{self.code_insee} {self.year}: {self.children_under_3}"


class Snapshot(models.Model):
    """The indicators of one year as computed by the worker (raw counts: secrecy is applied when published)."""

    year = models.PositiveSmallIntegerField(_("année"), unique=True)
    data = models.JSONField(_("indicateurs"), default=dict)
    computed_at = models.DateTimeField(_("calculé le"))
    duration_ms = models.PositiveIntegerField(_("durée du calcul (ms)"), default=0)

    class Meta:
        verbose_name = _("instantané des indicateurs")
        verbose_name_plural = _("instantanés des indicateurs")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class StayQuerySet(models.QuerySet):
    def present_on(self, day):
        return self.filter(arrived_on__lte=day).filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=day))


class Stay(models.Model):
    """A child's stay in an établissement: the director confirms the arrival, then records the departure."""

    establishment = models.ForeignKey(
        "creches.Establishment", on_delete=models.PROTECT, related_name="stays", verbose_name=_("établissement")
    )
    offer = models.OneToOneField(
        "commissions.Offer", on_delete=models.PROTECT, related_name="stay", verbose_name=_("proposition acceptée")
    )
    arrived_on = models.DateField(_("arrivée le"))
    left_on = models.DateField(_("départ le"), null=True, blank=True)
    departure_reason = models.CharField(
        _("motif du départ"), max_length=20, choices=DepartureReason.choices, blank=True
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        verbose_name = _("accueil d'un enfant")
        verbose_name_plural = _("accueils des enfants")
        ordering = ["-arrived_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("arrived_on")),
                name="obs_stay_leaves_after_arrival",
                violation_error_message=_("Le départ ne peut pas précéder l'arrivée."),
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | ~models.Q(departure_reason=""),
                name="obs_stay_departure_has_reason",
                violation_error_message=_("Un départ a un motif."),
            ),
        ]

    def __str__(self):
        return f"{self.establishment} {self.arrived_on}"


class ReportComment(models.Model):
    """The administrator's comment on one section of a year's report."""

    year = models.PositiveSmallIntegerField(_("année"))
    section = models.CharField(_("partie"), max_length=20, choices=ReportSection.choices)
    text = models.TextField(_("commentaire"), max_length=4000, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commentaire du rapport")
        verbose_name_plural = _("commentaires du rapport")
        constraints = [models.UniqueConstraint(fields=["year", "section"], name="obs_report_comment_section")]

    def __str__(self):
        return f"{self.year} {self.section}"


def document_path(instance, filename):
    return f"observatoire/{filename}"


class ReportVersion(models.Model):
    """One built version of a year's annual report (versions are kept: v1, v2…)."""

    year = models.PositiveSmallIntegerField(_("année"))
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("fichier"), upload_to=document_path)
    built_at = models.DateTimeField(_("construit le"), auto_now_add=True)
    duration_ms = models.PositiveIntegerField(_("durée de construction (ms)"), default=0)

    class Meta:
        verbose_name = _("version du rapport annuel")
        verbose_name_plural = _("versions du rapport annuel")
        ordering = ["-year", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "version"], name="obs_report_version")]

    def __str__(self):
        return f"{self.year} v{self.version}"


class GuideDocument(models.Model):
    """The guide petite enfance of one language: the complete file served, and the state of the next build.

    `file` only ever names a complete file: a build writes a new file and switches the row to it at the end.
    """

    language = models.CharField(_("langue"), max_length=5, unique=True)
    file = models.FileField(_("fichier"), upload_to=document_path, blank=True)
    built_at = models.DateTimeField(_("construit le"), null=True, blank=True)
    # The data change the current build (or the last one) covers, and the latest change asked for.
    stale_since = models.DateTimeField(_("données modifiées le"), null=True, blank=True)
    built_for = models.DateTimeField(_("construit pour les données du"), null=True, blank=True)
    state = models.CharField(_("état"), max_length=10, choices=BuildState.choices, default=BuildState.IDLE)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    duration_ms = models.PositiveIntegerField(_("durée de construction (ms)"), default=0)
    error = models.CharField(_("erreur"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("guide petite enfance")
        verbose_name_plural = _("guides petite enfance")

    def __str__(self):
        return f"{self.language}"


class ObservatoireSettings(SingletonSettings):
    share_with_departement = models.BooleanField(
        _("partager les chiffres avec le département"),
        default=False,
        help_text=_(
            "Les chiffres publiés par commune (secret statistique appliqué) rejoignent le tableau départemental "
            "de la plateforme ; aucune donnée nominative ne quitte la collectivité."
        ),
    )

    class Meta:
        verbose_name = _("réglages de l'observatoire")
        verbose_name_plural = _("réglages de l'observatoire")
