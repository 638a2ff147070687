from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PARENT = "parent", _("parent")
    ASSISTANT_MATERNEL = "assistant_maternel", _("assistant·e maternel·le")
    ANIMATRICE_RPE = "animatrice_rpe", _("animatrice RPE")
    AGENT = "agent", _("agent petite enfance")
    DIRECTEUR = "directeur", _("directeur·rice d'établissement")
    MEMBRE_COMMISSION = "membre_commission", _("membre de commission")
    ELU = "elu", _("élu·e")
    ADMINISTRATEUR = "administrateur", _("administrateur·rice de la collectivité")


# People who act for the collectivité: they see other people's data, so TOTP is mandatory.
STAFF_ROLES = frozenset(
    {
        Role.ANIMATRICE_RPE,
        Role.AGENT,
        Role.DIRECTEUR,
        Role.MEMBRE_COMMISSION,
        Role.ELU,
        Role.ADMINISTRATEUR,
    }
)

# When a person holds several roles, the first of this order gives their home page.
HOME_ORDER = [
    Role.ADMINISTRATEUR,
    Role.AGENT,
    Role.DIRECTEUR,
    Role.ANIMATRICE_RPE,
    Role.MEMBRE_COMMISSION,
    Role.ELU,
    Role.ASSISTANT_MATERNEL,
    Role.PARENT,
]
