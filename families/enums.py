from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    BROUILLON = "brouillon", _("brouillon")
    DEPOSEE = "deposee", _("déposée")
    INCOMPLETE = "incomplete", _("incomplète")
    COMPLETE = "complete", _("complète")
    EN_COMMISSION = "en_commission", _("en commission")
    PROPOSITION = "proposition", _("proposition de place")
    ACCEPTEE = "acceptee", _("acceptée")
    REFUSEE = "refusee", _("refusée")
    ADMISE = "admise", _("admise")
    LISTE_ATTENTE = "liste_attente", _("liste d'attente")
    ANNULEE = "annulee", _("annulée")
    EXPIREE = "expiree", _("expirée")


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


class Actor(models.TextChoices):
    FAMILY = "family", _("la famille")
    STAFF = "staff", _("le guichet")
    SYSTEM = "system", _("automatique")


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


class AuditAction(models.TextChoices):
    READ = "read", _("consultation")
    UPDATE = "update", _("modification")
    DOCUMENT = "document", _("ouverture d'une pièce")
    EXPORT = "export", _("export")


WEEKDAYS = [
    ("mon", _("lundi")),
    ("tue", _("mardi")),
    ("wed", _("mercredi")),
    ("thu", _("jeudi")),
    ("fri", _("vendredi")),
    ("sat", _("samedi")),
]
