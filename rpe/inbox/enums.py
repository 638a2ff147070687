from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestStatus(models.TextChoices):
    NEW = "new", _("nouvelle")
    IN_PROGRESS = "in_progress", _("en cours")
    ANSWERED = "answered", _("répondue")
    CLOSED = "closed", _("close")


OPEN_STATUSES = frozenset({RequestStatus.NEW, RequestStatus.IN_PROGRESS})


class ContactPerson(models.TextChoices):
    """Who contacted the relais: the CAF's categories of public."""

    FAMILY = "family", _("famille en recherche d'un mode d'accueil")
    PARENT_EMPLOYER = "parent_employer", _("parent employeur")
    ASSISTANT_MATERNEL = "assistant_maternel", _("assistant·e maternel·le")
    HOME_CARER = "home_carer", _("garde d'enfants à domicile")
    AGREMENT_CANDIDATE = "agrement_candidate", _("candidat·e à l'agrément")
    PROJECT_HOLDER = "project_holder", _("porteur·se de projet")
    PARTNER = "partner", _("partenaire")
    OTHER = "other", _("autre")


class ContactTheme(models.TextChoices):
    CARE_SEARCH = "care_search", _("recherche d'un mode d'accueil")
    CONTRACT = "contract", _("contrat de travail")
    MONTHLY_PAY = "monthly_pay", _("mensualisation et salaire")
    PAID_LEAVE = "paid_leave", _("congés payés")
    END_OF_CONTRACT = "end_of_contract", _("fin de contrat")
    AIDS = "aids", _("aides (CMG, Pajemploi)")
    AGREMENT = "agrement", _("agrément")
    TRAINING = "training", _("formation continue")
    PARENT_RELATIONS = "parent_relations", _("relations avec les parents")
    ATELIERS = "ateliers", _("ateliers et temps collectifs")
    JOB_OFFERS = "job_offers", _("offres d'emploi et disponibilités")
    PROJECT = "project", _("projet de structure (MAM, micro-crèche)")
    OTHER = "other", _("autre")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("appel téléphonique")
    DESK = "desk", _("visite à l'accueil")
    EMAIL = "email", _("courriel")
    ONLINE = "online", _("demande en ligne")


class ContactOutcome(models.TextChoices):
    INFORMED = "informed", _("information donnée")
    APPOINTMENT = "appointment", _("rendez-vous proposé")
    DOCUMENTS = "documents", _("documents envoyés")
    REFERRED = "referred", _("orienté·e vers un partenaire (PMI, CAF, Pajemploi…)")
    CALL_BACK = "call_back", _("à rappeler")
