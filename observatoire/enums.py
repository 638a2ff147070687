from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartureReason(models.TextChoices):
    SCHOOL = "school", _("entrée à l'école")
    MOVING = "moving", _("déménagement")
    OTHER_MODE = "other_mode", _("autre mode d'accueil")
    FAMILY_CHOICE = "family_choice", _("choix de la famille")
    OTHER = "other", _("autre raison")


class ReportSection(models.TextChoices):
    DEMAND = "demand", _("La demande")
    OFFER = "offer", _("L'offre d'accueil")
    COVERAGE = "coverage", _("Le taux de couverture")
    ALLOCATION = "allocation", _("Les attributions")
    MOVEMENTS = "movements", _("Entrées et sorties")
    AM = "am", _("Les assistants maternels")
    RELAIS = "relais", _("L'activité des relais")


class BuildState(models.TextChoices):
    IDLE = "idle", _("à jour")
    QUEUED = "queued", _("en attente du serveur de calcul")
    BUILDING = "building", _("en cours de construction")
    FAILED = "failed", _("échec de la dernière construction")
