from django.db import models
from django.utils.translation import gettext_lazy as _


class LieuKind(models.TextChoices):
    HEAD_OFFICE = "head_office", _("siège")
    TOWN_HALL = "town_hall", _("mairie")
    LIBRARY = "library", _("médiathèque")
    COMMUNITY_HALL = "community_hall", _("salle municipale")
    OTHER = "other", _("autre lieu")


class Workplace(models.TextChoices):
    HOME = "home", _("à son domicile")
    MAM = "mam", _("en maison d'assistants maternels (MAM)")


class ActivityStatus(models.TextChoices):
    ACTIVE = "active", _("en activité")
    SUSPENDED = "suspended", _("activité suspendue")
    ARCHIVED = "archived", _("archivé·e (absent·e de la liste d'agrément)")


class AvailabilityStatus(models.TextChoices):
    NONE = "none", _("pas de place libre")
    NOW = "now", _("libre dès maintenant")
    FROM_DATE = "from_date", _("libre à partir d'une date")


class HalfDay(models.TextChoices):
    MON_AM = "mon_am", _("lundi matin")
    MON_PM = "mon_pm", _("lundi après-midi")
    TUE_AM = "tue_am", _("mardi matin")
    TUE_PM = "tue_pm", _("mardi après-midi")
    WED_AM = "wed_am", _("mercredi matin")
    WED_PM = "wed_pm", _("mercredi après-midi")
    THU_AM = "thu_am", _("jeudi matin")
    THU_PM = "thu_pm", _("jeudi après-midi")
    FRI_AM = "fri_am", _("vendredi matin")
    FRI_PM = "fri_pm", _("vendredi après-midi")
    SAT_AM = "sat_am", _("samedi matin")
    SAT_PM = "sat_pm", _("samedi après-midi")
    SUN_AM = "sun_am", _("dimanche matin")
    SUN_PM = "sun_pm", _("dimanche après-midi")


WEEKDAY_HALF_DAYS = [half_day.value for half_day in HalfDay][:10]


class AvailabilityChangeKind(models.TextChoices):
    DECLARED = "declared", _("disponibilités déclarées")
    UNCHANGED = "unchanged", _("confirmé : rien n'a changé")


class ChangedBy(models.TextChoices):
    AM = "am", _("l'assistant·e maternel·le")
    RELAIS = "relais", _("le relais, pour elle ou lui")
    LINK = "link", _("lien « rien n'a changé » du rappel")
    IMPORT = "import", _("import de la liste d'agrément")
