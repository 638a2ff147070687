from django.db import models
from django.utils.translation import gettext_lazy as _


class CollectiviteKind(models.TextChoices):
    COMMUNE = "commune", _("commune")
    INTERCOMMUNALITE = "intercommunalite", _("intercommunalité")


class Actor(models.TextChoices):
    """Who makes a move in a status workflow (portal.workflows)."""

    FAMILY = "family", _("la famille")
    AM = "am", _("l'assistant·e maternel·le")
    STAFF = "staff", _("le guichet")
    SYSTEM = "system", _("automatique")


class Weekday(models.IntegerChoices):
    """The days of the week, numbered as `date.weekday()`; `code` is the short name a planning is keyed by."""

    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")

    @property
    def code(self):
        return ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[self.value]
