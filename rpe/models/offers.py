"""Families finding assistants maternels: job offers, contact requests, saved searches, and the follow-up of
families a commission left without a place."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.workflows import TransitionLog
from rpe.enums import HalfDay
from rpe.enums_offers import ContactStatus, FollowUpContactKind, FollowUpOutcome, JobOfferStatus

__all__ = [
    "JobOffer",
    "JobOfferLog",
    "JobOfferAnswer",
    "ContactRequest",
    "SavedSearch",
    "SavedSearchAlert",
    "FollowUp",
    "FollowUpContact",
]


def half_days_field(label):
    return ArrayField(
        models.CharField(max_length=6, choices=HalfDay.choices), verbose_name=label, default=list, blank=True
    )


class Needs(models.Model):
    """What a family needs of an assistant maternel: where, from when, for a child of what age, which half-days."""

    code_insee = models.CharField(_("commune (code INSEE)"), max_length=5)
    start_date = models.DateField(_("à partir du"))
    child_age_months = models.PositiveSmallIntegerField(
        _("âge de l'enfant à cette date (mois)"), validators=[MaxValueValidator(72)]
    )
    half_days = half_days_field(_("demi-journées"))
    atypical_hours = models.BooleanField(_("horaires atypiques"), default=False)
    disability = models.BooleanField(_("enfant en situation de handicap"), default=False)

    class Meta:
        abstract = True


class JobOfferQuerySet(models.QuerySet):
    def published(self, today=None):
        today = today or timezone.localdate()
        return self.filter(status=JobOfferStatus.PUBLISHED, expires_on__gte=today)


class JobOffer(Needs):
    """A petite annonce: a parent-employer looks for an assistant maternel; the relais validates it first."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_offers", verbose_name=_("parent")
    )
    relais = models.ForeignKey(
        "rpe.Relais", on_delete=models.PROTECT, related_name="job_offers", verbose_name=_("relais")
    )
    particular_needs = models.TextField(_("besoins particuliers"), max_length=2000, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=JobOfferStatus.choices, default=JobOfferStatus.SUBMITTED
    )
    refusal_reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    published_on = models.DateField(_("publiée le"), null=True, blank=True)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renouvellements"), default=0)
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = JobOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("petite annonce")
        verbose_name_plural = _("petites annonces")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_on"], name="rpe_joboffer_live")]

    def __str__(self):
        return _("Annonce n° %(pk)s") % {"pk": self.pk}


class JobOfferLog(TransitionLog):
    subject = models.ForeignKey(JobOffer, on_delete=models.CASCADE, related_name="log")

    class Meta(TransitionLog.Meta):
        verbose_name = _("historique d'une annonce")
        verbose_name_plural = _("historiques des annonces")


class JobOfferAnswer(models.Model):
    """An assistant maternel answers an offer through the portal (her contact stays hers to give)."""

    offer = models.ForeignKey(JobOffer, on_delete=models.CASCADE, related_name="answers")
    am = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.CASCADE,
        related_name="job_offer_answers",
        verbose_name=_("assistant·e maternel·le"),
    )
    message = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse à une annonce")
        verbose_name_plural = _("réponses aux annonces")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["offer", "am"], name="rpe_joboffer_one_answer_per_am")]

    def __str__(self):
        return f"{self.am} → {self.offer}"


class ContactRequest(models.Model):
    """A family writes to an assistant maternel through the portal; she answers from her space."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="am_contacts", verbose_name=_("famille")
    )
    am = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("assistant·e maternel·le"),
    )
    message = models.TextField(_("message"), max_length=2000)
    start_date = models.DateField(_("à partir du"), null=True, blank=True)
    child_age_months = models.PositiveSmallIntegerField(_("âge de l'enfant (mois)"), null=True, blank=True)
    half_days = half_days_field(_("demi-journées"))
    status = models.CharField(_("statut"), max_length=20, choices=ContactStatus.choices, default=ContactStatus.SENT)
    answer = models.TextField(_("réponse"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("demande de contact")
        verbose_name_plural = _("demandes de contact")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One request waiting for an answer per family and AM: a double click sends one.
            models.UniqueConstraint(
                fields=["author", "am"], condition=Q(status=ContactStatus.SENT), name="rpe_contact_one_open"
            )
        ]

    def __str__(self):
        return f"{self.author} → {self.am}"


class SavedSearch(models.Model):
    """A family's search kept to be told (outbox) when a matching assistant maternel declares a place."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="am_saved_searches", verbose_name=_("famille")
    )
    label = models.CharField(_("intitulé"), max_length=200)
    criteria = models.JSONField(_("critères"), default=dict)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("recherche enregistrée")
        verbose_name_plural = _("recherches enregistrées")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.label


class SavedSearchAlert(models.Model):
    """One alert per saved search, AM and declaration: the row the database keeps unique."""

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="alerts")
    am = models.ForeignKey("rpe.AssistantMaternel", on_delete=models.CASCADE, related_name="+")
    declared_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("alerte envoyée")
        verbose_name_plural = _("alertes envoyées")
        constraints = [
            models.UniqueConstraint(fields=["search", "am", "declared_on"], name="rpe_alert_once_per_declaration")
        ]

    def __str__(self):
        return f"{self.search} — {self.am}"


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(outcome=FollowUpOutcome.STILL_SEARCHING)


class FollowUp(Needs):
    """A family a commission left without a place, in its relais's list until it has a solution."""

    application = models.ForeignKey(
        "families.Application", on_delete=models.CASCADE, related_name="rpe_followups", verbose_name=_("demande")
    )
    session = models.ForeignKey(
        "commissions.Session", on_delete=models.CASCADE, related_name="rpe_followups", verbose_name=_("commission")
    )
    relais = models.ForeignKey(
        "rpe.Relais", on_delete=models.PROTECT, related_name="followups", verbose_name=_("relais")
    )
    wishes = models.CharField(_("modes souhaités"), max_length=300, blank=True)
    outcome = models.CharField(
        _("situation"), max_length=20, choices=FollowUpOutcome.choices, default=FollowUpOutcome.STILL_SEARCHING
    )
    outcome_on = models.DateField(_("situation constatée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("entrée dans le suivi le"), auto_now_add=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("famille sans solution")
        verbose_name_plural = _("familles sans solution")
        ordering = ["-session__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "session"], name="rpe_followup_once_per_session")
        ]

    def __str__(self):
        return str(self.application)


class FollowUpContact(models.Model):
    """What the animatrice did for the family: an AM proposed, a call, a message; and the outcome it led to."""

    followup = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("nature"), max_length=20, choices=FollowUpContactKind.choices)
    am = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assistant·e maternel·le proposé·e"),
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    outcome = models.CharField(_("situation après ce contact"), max_length=20, choices=FollowUpOutcome.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("par")
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        verbose_name = _("contact de suivi")
        verbose_name_plural = _("contacts de suivi")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.followup} — {self.get_kind_display()}"
