"""Statuses and choices of job offers, contact requests and the follow-up of families without a place."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOfferStatus(models.TextChoices):
    SUBMITTED = "submitted", _("à valider par le relais")
    PUBLISHED = "published", _("publiée")
    REFUSED = "refused", _("refusée par le relais")
    EXPIRED = "expired", _("expirée")
    FILLED = "filled", _("pourvue")
    WITHDRAWN = "withdrawn", _("retirée")


class ContactStatus(models.TextChoices):
    SENT = "sent", _("envoyée")
    ANSWERED = "answered", _("répondue")
    DECLINED = "declined", _("pas de place")


class FollowUpOutcome(models.TextChoices):
    STILL_SEARCHING = "still_searching", _("toujours en recherche")
    AM_FOUND = "am_found", _("assistant·e maternel·le trouvé·e")
    CRECHE_LATER = "creche_later", _("place en crèche obtenue ensuite")
    OTHER_SOLUTION = "other_solution", _("autre solution")
    GAVE_UP = "gave_up", _("a renoncé")


# Outcomes that count as "a solution" in the follow-up figure.
SOLVED_OUTCOMES = frozenset({FollowUpOutcome.AM_FOUND, FollowUpOutcome.CRECHE_LATER, FollowUpOutcome.OTHER_SOLUTION})


class FollowUpContactKind(models.TextChoices):
    PROPOSAL = "proposal", _("assistant·e maternel·le proposé·e")
    CALL = "call", _("appel")
    MESSAGE = "message", _("message")
    MEETING = "meeting", _("rendez-vous")
