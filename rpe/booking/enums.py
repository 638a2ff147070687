from django.db import models
from django.utils.translation import gettext_lazy as _


class Modality(models.TextChoices):
    ON_SITE = "on_site", _("sur place")
    PHONE = "phone", _("par téléphone")
    VIDEO = "video", _("en visio")


class BookableBy(models.TextChoices):
    EVERYONE = "everyone", _("familles et assistants maternels")
    FAMILIES = "families", _("familles")
    AM = "am", _("assistants maternels")
    STAFF = "staff", _("le relais seulement")


class Recurrence(models.IntegerChoices):
    ONCE = 0, _("une seule fois")
    WEEKLY = 1, _("chaque semaine")
    EVERY_OTHER_WEEK = 2, _("une semaine sur deux")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("à venir")
    SEEN = "seen", _("vu")
    NO_SHOW = "no_show", _("absent")
    EXCUSED = "excused", _("excusé")
    CANCELLED_BY_SERVICE = "cancelled_by_service", _("annulé par le service")
    CANCELLED_BY_PERSON = "cancelled_by_person", _("annulé par la personne")


# Statuses that free the slot again (the exclusion constraints ignore them).
CANCELLED_STATUSES = (AppointmentStatus.CANCELLED_BY_SERVICE, AppointmentStatus.CANCELLED_BY_PERSON)


class SchoolZone(models.TextChoices):
    A = "A", _("zone A")
    B = "B", _("zone B")
    C = "C", _("zone C")
