"""The relais' inbox (requests sent online) and its contact log (calls, desk visits, emails)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.workflows import TransitionLog
from rpe.inbox.enums import (
    OPEN_STATUSES,
    ContactChannel,
    ContactOutcome,
    ContactPerson,
    ContactTheme,
    RequestStatus,
)


class InboxRequestQuerySet(models.QuerySet):
    def of_relais(self, relais):
        return self.filter(relais__in=relais) if isinstance(relais, models.QuerySet) else self.filter(relais=relais)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class InboxRequest(models.Model):
    """A question sent to the relais from the portal, by a family, an assistant maternel or anyone."""

    relais = models.ForeignKey("rpe.Relais", on_delete=models.CASCADE, verbose_name=_("relais"), related_name="+")
    person = models.CharField(_("vous êtes"), max_length=30, choices=ContactPerson.choices)
    theme = models.CharField(_("thème"), max_length=30, choices=ContactTheme.choices)
    message = models.TextField(_("message"))
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.NEW, db_index=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("suivie par"),
        related_name="+",
    )
    # The sender's account when signed in, and what the relais knows of them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="rpe_requests"
    )
    assistant = models.ForeignKey(
        "rpe.AssistantMaternel", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    family = models.ForeignKey("families.Family", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("reçue le"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    objects = InboxRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande au relais")
        verbose_name_plural = _("demandes au relais")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} — {self.get_theme_display()}"

    def age(self, now=None):
        return (now or timezone.now()) - self.created_at


class InboxRequestLog(TransitionLog):
    subject = models.ForeignKey(InboxRequest, on_delete=models.CASCADE, related_name="log")

    class Meta(TransitionLog.Meta):
        verbose_name = _("historique d'une demande au relais")
        verbose_name_plural = _("historiques des demandes au relais")


class InboxReply(models.Model):
    """An answer written in the portal and sent by email (through the outbox)."""

    request = models.ForeignKey(InboxRequest, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("réponse"))
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse à une demande")
        verbose_name_plural = _("réponses aux demandes")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.request} — {self.created_at:%d/%m/%Y}"


class ContactLogQuerySet(models.QuerySet):
    def of_relais(self, relais):
        return self.filter(relais__in=relais) if isinstance(relais, models.QuerySet) else self.filter(relais=relais)


class ContactLog(models.Model):
    """One contact with the relais (a call, a visit, an email), logged in a few seconds for the CAF's figures."""

    relais = models.ForeignKey("rpe.Relais", on_delete=models.CASCADE, verbose_name=_("relais"), related_name="+")
    channel = models.CharField(_("canal"), max_length=20, choices=ContactChannel.choices, default=ContactChannel.PHONE)
    person = models.CharField(_("qui"), max_length=30, choices=ContactPerson.choices)
    theme = models.CharField(_("thème"), max_length=30, choices=ContactTheme.choices)
    outcome = models.CharField(
        _("suite donnée"), max_length=20, choices=ContactOutcome.choices, default=ContactOutcome.INFORMED
    )
    note = models.TextField(_("note"), blank=True)
    occurred_at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    request = models.ForeignKey(
        InboxRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("demande"),
        related_name="contacts",
    )
    assistant = models.ForeignKey(
        "rpe.AssistantMaternel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("assistant·e maternel·le"),
        related_name="+",
    )
    family = models.ForeignKey(
        "families.Family",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("famille"),
        related_name="+",
    )
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("journal des contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["relais", "occurred_at"], name="contact_relais_occurred")]

    def __str__(self):
        return f"{self.get_channel_display()} — {self.get_theme_display()}"
