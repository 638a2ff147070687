from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENDING = "sending", _("en cours d'envoi")
    SENT = "sent", _("envoyé")
    SKIPPED = "skipped", _("sans objet")
    FAILED = "failed", _("échec")


class Channel(models.TextChoices):
    EMAIL = "email", _("courriel")
