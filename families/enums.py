from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import enums as portal_enums
from portal.enums import Weekday


class ApplicationStatus(models.TextChoices):
    """Stored in English (migration 0009_application_status_in_english rewrote the French values)."""

    BROUILLON = "draft", _("brouillon")
    DEPOSEE = "submitted", _("déposée")
    INCOMPLETE = "incomplete", _("incomplète")
    COMPLETE = "complete", _("complète")
    EN_COMMISSION = "in_commission", _("en commission")
    PROPOSITION = "offered", _("proposition de place")
    ACCEPTEE = "accepted", _("acceptée")
    REFUSEE = "declined", _("refusée")
    ADMISE = "admitted", _("admise")
    LISTE_ATTENTE = "waiting_list", _("liste d'attente")
    ANNULEE = "cancelled", _("annulée")
    EXPIREE = "expired", _("expirée")


# Requests still waiting for a place: they are renewed, and they expire when not renewed.
WAITING_STATUSES = frozenset(
    {
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.INCOMPLETE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.LISTE_ATTENTE,
    }
)
CLOSED_STATUSES = frozenset(
    {ApplicationStatus.ADMISE, ApplicationStatus.ANNULEE, ApplicationStatus.EXPIREE, ApplicationStatus.REFUSEE}
)
# A child has at most one live request (a constraint says so): every status that is not closed.
LIVE_STATUSES = frozenset(set(ApplicationStatus) - CLOSED_STATUSES)


# Who moves a workflow: defined once for every app in portal.enums.
Actor = portal_enums.Actor


class CareMode(models.TextChoices):
    """The modes of care a request asks for (one boolean field each on the request)."""

    COLLECTIVE = "collective", _("accueil collectif (crèche)")
    ASSISTANT_MATERNEL = "assistant_maternel", _("assistant·e maternel·le à son domicile")
    MAM = "mam", _("maison d'assistants maternels (MAM)")
    HOME_CARE = "home_care", _("garde à domicile")
    SHARED_HOME_CARE = "shared_home_care", _("garde partagée")


class ProfessionalSituation(models.TextChoices):
    EMPLOI = "emploi", _("en emploi")
    INDEPENDANT = "independant", _("travailleur·se indépendant·e")
    RECHERCHE = "recherche", _("en recherche d'emploi")
    FORMATION = "formation", _("en formation ou études")
    CONGE_PARENTAL = "conge_parental", _("en congé parental")
    SANS_ACTIVITE = "sans_activite", _("sans activité professionnelle")


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("à vérifier")
    VALID = "valid", _("validée")
    REJECTED = "rejected", _("refusée")
    REPLACED = "replaced", _("remplacée")
    WITHDRAWN = "withdrawn", _("retirée")


# The piece of its type that counts: at most one per request and type (a constraint says so).
CURRENT_DOCUMENT_STATUSES = frozenset({DocumentStatus.PENDING, DocumentStatus.VALID, DocumentStatus.REJECTED})
# A current piece that may still be good: it fills its place in the dossier.
USABLE_DOCUMENT_STATUSES = frozenset({DocumentStatus.PENDING, DocumentStatus.VALID})


class AuditAction(models.TextChoices):
    READ = "read", _("consultation")
    UPDATE = "update", _("modification")
    DOCUMENT = "document", _("ouverture d'une pièce")
    EXPORT = "export", _("export")


# The days a planning may hold (keyed by code: "mon"…), Monday to Saturday.
WEEKDAYS = [(day.code, day.label) for day in Weekday if day != Weekday.SUNDAY]
