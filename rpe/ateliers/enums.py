from django.db import models
from django.utils.translation import gettext_lazy as _


class AtelierKind(models.TextChoices):
    EARLY_LEARNING = "early_learning", _("matinée d'éveil")
    EVENING = "evening", _("soirée")
    PRACTICE_ANALYSIS = "practice_analysis", _("analyse de la pratique")
    INFORMATION_MEETING = "information_meeting", _("réunion d'information")


# Families may register for these; the others are for assistants maternels only.
FAMILY_KINDS = frozenset({AtelierKind.INFORMATION_MEETING})
# An assistant maternel brings children to these (children seats count).
KINDS_WITH_CHILDREN = frozenset({AtelierKind.EARLY_LEARNING})


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("inscrite")
    WAITING = "waiting", _("liste d'attente")
    CANCELLED = "cancelled", _("annulée")
    ATTENDED = "attended", _("présente")
    ABSENT = "absent", _("absente")


# Registrations that hold seats.
SEAT_STATUSES = frozenset({RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED, RegistrationStatus.ABSENT})
# A person has at most one of these per atelier (a constraint says so).
LIVE_STATUSES = frozenset(set(RegistrationStatus) - {RegistrationStatus.CANCELLED})


class RecurrenceFrequency(models.TextChoices):
    WEEKLY = "weekly", _("chaque semaine")
    FORTNIGHTLY = "fortnightly", _("une semaine sur deux")
    MONTHLY = "monthly", _("une fois par mois")
