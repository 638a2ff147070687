from django.db import models
from django.utils.translation import gettext_lazy as _


class RegulationStatus(models.TextChoices):
    DRAFT = "draft", _("projet")
    ADOPTED = "adopted", _("adopté")


class CriterionKind(models.TextChoices):
    SITUATION = "situation", _("situation particulière")
    BANDS = "bands", _("tranches")
    PER_UNIT = "per_unit", _("points par unité")
    ESTABLISHMENT_BONUS = "establishment_bonus", _("bonus pour un établissement")
    NEGATIVE = "negative", _("points retirés")


class BandsMeasure(models.TextChoices):
    """The number a bands criterion cuts into brackets."""

    QUOTIENT_FAMILIAL = "quotient_familial", _("quotient familial (€)")
    MONTHS_WAITING = "months_waiting", _("ancienneté de la demande (mois)")


class UnitMeasure(models.TextChoices):
    """What a per-unit criterion counts."""

    MONTHS_WAITING = "months_waiting", _("mois d'attente depuis le dépôt")
    COMMISSIONS_PASSED = "commissions_passed", _("commissions déjà passées sans proposition")


class NegativeMeasure(models.TextChoices):
    REFUSED_OFFERS = "refused_offers", _("offres de place adaptées refusées")


class BonusReason(models.TextChoices):
    """Why one establishment, and only that one, gives extra points."""

    SIBLING = "sibling", _("un frère ou une sœur y est déjà accueilli·e")
    RESIDENCE = "residence", _("la famille habite la commune de l'établissement")


class ReservationFlag(models.TextChoices):
    """The flags of the allocation engine's reserved places (contract allocation.md)."""

    INSERTION = "insertion", _("familles en parcours d'insertion")
    AVIP = "avip", _("crèche à vocation d'insertion professionnelle (AVIP)")
    HANDICAP = "handicap", _("enfants en situation de handicap")


class SessionStatus(models.TextChoices):
    PREPARATION = "preparation", _("en préparation")
    OPEN = "open", _("ouverte")
    VALIDATED = "validated", _("validée")


class Attendance(models.TextChoices):
    PRESENT = "present", _("présent·e")
    EXCUSED = "excused", _("excusé·e")
    ABSENT = "absent", _("absent·e")


class DecisionSource(models.TextChoices):
    ENGINE = "engine", _("proposition du moteur")
    OVERRIDE = "override", _("dérogation de la commission")
    REOFFER = "reoffer", _("place libérée puis réattribuée")


class OverrideAction(models.TextChoices):
    ADJUST = "adjust", _("ajustement de points")
    ASSIGN = "assign", _("attribution")
    UNASSIGN = "unassign", _("retrait")
    SWAP = "swap", _("échange")
    REOFFER = "reoffer", _("nouvelle proposition après un refus")


class DeclineReason(models.TextChoices):
    """Why a family turns a place down; the grid may exempt some reasons from its penalty."""

    MOVING = "moving", _("déménagement hors du territoire")
    OTHER_MODE = "other_mode", _("un autre mode d'accueil a été trouvé")
    UNSUITABLE = "unsuitable", _("la place ne correspond pas à la demande (jours, horaires, lieu)")
    PERSONAL = "personal", _("autre raison personnelle")
    EXPIRED = "expired", _("pas de réponse dans le délai")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("en attente de réponse")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    EXPIRED = "expired", _("délai dépassé")


# The family's situations that carry a flag of the engine's reserved places (contract allocation.md).
SITUATION_FLAGS = {"insertion": "insertion", "handicap_enfant": "handicap", "avip": "avip"}


class AnswerChannel(models.TextChoices):
    """How a family gave the guichet its answer to an offer, when an agent records it."""

    PHONE = "phone", _("par téléphone")
    DESK = "desk", _("au guichet")
    MAIL = "mail", _("par courrier ou courriel")
