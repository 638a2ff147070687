from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import SingletonSettings
from portal.outbox.enums import Channel, MessageStatus


class OutboxSettings(SingletonSettings):
    """When the collectivité's scheduled reminders may leave (immediate messages are never held back)."""

    quiet_hours_start = models.TimeField(
        _("début des heures de silence"),
        null=True,
        blank=True,
        help_text=_("Les rappels programmés ne partent pas entre le début et la fin (par exemple 21:00 et 08:00)."),
    )
    quiet_hours_end = models.TimeField(_("fin des heures de silence"), null=True, blank=True)

    class Meta:
        verbose_name = _("réglages des envois")
        verbose_name_plural = _("réglages des envois")


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now, *, scheduled=True):
        """Rows to send now: pending and due, or claimed by a worker whose lease ran out."""
        rows = self.filter(
            Q(status=MessageStatus.PENDING, due_at__lte=now) | Q(status=MessageStatus.SENDING, claimed_until__lte=now)
        )
        return rows if scheduled else rows.filter(send_at__isnull=True)

    def about(self, *objects):
        """Messages about any of these objects or querysets (a dossier and its offers): one query."""
        condition = Q(pk__in=[])
        for about in objects:
            meta = about.model._meta if isinstance(about, models.QuerySet) else about._meta
            ids = about.values("pk") if isinstance(about, models.QuerySet) else [about.pk]
            # Matched by name, not id: content type ids are per schema.
            condition |= Q(about_type__app_label=meta.app_label, about_type__model=meta.model_name, about_id__in=ids)
        return self.filter(condition)


class OutboxMessage(models.Model):
    """One message to send, written in the transaction of the change that causes it."""

    kind = models.CharField(_("type"), max_length=100)
    channel = models.CharField(_("canal"), max_length=20, choices=Channel.choices, default=Channel.EMAIL)
    version = models.CharField(_("version"), max_length=100, blank=True)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    to = ArrayField(models.CharField(max_length=254), verbose_name=_("destinataires"))
    reply_to = ArrayField(models.CharField(max_length=254), default=list, blank=True)
    from_email = models.CharField(_("expéditeur"), max_length=254, blank=True)
    subject = models.TextField(_("objet"))
    body = models.TextField(_("texte"))
    html_body = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("état"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    send_at = models.DateTimeField(_("programmé pour"), null=True, blank=True)
    due_at = models.DateTimeField(_("à envoyer à partir de"))
    claimed_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same message (object, kind, channel, version) is queued once, whoever asks twice.
            models.UniqueConstraint(
                fields=["about_type", "about_id", "kind", "channel", "version"],
                nulls_distinct=False,
                name="outbox_message_once",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="outbox_pending_due"),
            models.Index(fields=["claimed_until"], condition=Q(status="sending"), name="outbox_sending_lease"),
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
        ]

    def __str__(self):
        return self.subject
