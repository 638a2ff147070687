from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiviteKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    INTERCOMMUNALITE = "intercommunalite", _("intercommunalité")
