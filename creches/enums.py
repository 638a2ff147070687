from django.db import models
from django.utils.translation import gettext_lazy as _


class EstablishmentType(models.TextChoices):
    CRECHE_COLLECTIVE = "creche_collective", _("crèche collective / multi-accueil")
    MICRO_CRECHE_PSU = "micro_creche_psu", _("micro-crèche (PSU)")
    MICRO_CRECHE_PAJE = "micro_creche_paje", _("micro-crèche (PAJE)")
    CRECHE_FAMILIALE = "creche_familiale", _("crèche familiale")
    CRECHE_PARENTALE = "creche_parentale", _("crèche parentale")
    HALTE_GARDERIE = "halte_garderie", _("halte-garderie")


class Manager(models.TextChoices):
    MUNICIPAL = "municipal", _("public (collectivité)")
    ASSOCIATIF = "associatif", _("associatif")
    PRIVE = "prive", _("privé")
    DSP = "dsp", _("délégation de service public")


class CareKind(models.TextChoices):
    REGULIER = "regulier", _("régulier")
    OCCASIONNEL = "occasionnel", _("occasionnel")
    URGENCE = "urgence", _("urgence")


class ChildrenBand(models.IntegerChoices):
    """Bands of the national PSU barème: the taux d'effort depends on the number of dependent children."""

    ONE = 1, _("1 enfant")
    TWO = 2, _("2 enfants")
    THREE = 3, _("3 enfants")
    FOUR_TO_SEVEN = 4, _("4 à 7 enfants")
    EIGHT_AND_MORE = 8, _("8 enfants et plus")
