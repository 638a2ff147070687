"""Demo appointments for every relais of a demo collectivité (fictional people): motifs for families and AM,
a year of plages (weekly and every other week), closures, absences, and about a year of appointments with
their outcomes and the relais' notes, leaving free slots in the coming weeks for online booking.

Deterministic (seeded by the relais) and idempotent: a relais that already has motifs is left as it is.
Runs after the directory's demo (relais, lieux, animatrices).
"""

import datetime
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from rpe.booking.calendars import closed_days, departement_of
from rpe.booking.enums import AppointmentStatus, BookableBy, Modality, Recurrence, SchoolZone
from rpe.models import Absence, Appointment, BookingSettings, Closure, Motif, Plage, Relais
from rpe.slots import PARIS

S = AppointmentStatus

# (name, minutes, modality, who books online, instructions)
MOTIFS = [
    (
        "Recherche d'un mode d'accueil",
        45,
        Modality.ON_SITE,
        BookableBy.FAMILIES,
        "Venez avec vos horaires de travail et la date d'entrée souhaitée de votre enfant.",
    ),
    (
        "Parent-employeur : contrat de travail",
        60,
        Modality.ON_SITE,
        BookableBy.FAMILIES,
        "Apportez le projet de contrat et l'agrément de l'assistant maternel si vous l'avez.",
    ),
    (
        "Parent-employeur : mensualisation et congés payés",
        30,
        Modality.PHONE,
        BookableBy.FAMILIES,
        "Le relais vous appelle au numéro de votre compte. Gardez vos bulletins de salaire à portée de main.",
    ),
    ("Parent-employeur : fin de contrat", 45, Modality.ON_SITE, BookableBy.EVERYONE, ""),
    (
        "Agrément et première installation",
        60,
        Modality.ON_SITE,
        BookableBy.AM,
        "Apportez votre attestation d'agrément.",
    ),
    ("Formation continue", 30, Modality.PHONE, BookableBy.AM, ""),
    ("Relations avec les parents", 45, Modality.VIDEO, BookableBy.AM, "Le lien de la visio est dans ce message."),
]
RESTRICTION = (
    "Ce rendez-vous concerne la recherche d'un mode d'accueil dans le territoire du relais. "
    "J'accepte que le relais conserve mes coordonnées le temps de ma recherche."
)
NOTES = [
    "Famille orientée vers trois AM disponibles sur sa commune ; rappel dans 15 jours.",
    "Questions sur le complément de libre choix du mode de garde : simulation faite ensemble.",
    "Contrat relu : horaires atypiques à préciser, modèle de contrat remis.",
    "Congés payés : méthode du dixième expliquée, tableau envoyé par courriel.",
    "Fin de contrat : indemnité de rupture calculée, documents de fin de contrat expliqués.",
    "Renouvellement d'agrément en cours, dossier PMI à compléter.",
    "Souhaite participer aux matinées d'éveil de sa commune.",
    "Conflit sur les horaires avec un parent employeur : médiation proposée.",
]
CONTACTS = [
    ("Léa", "Moreau"),
    ("Hugo", "Lambert"),
    ("Chloé", "Fabre"),
    ("Nicolas", "Roux"),
    ("Manon", "Girard"),
    ("Thomas", "Bonnet"),
    ("Inès", "Mercier"),
    ("Lucas", "Blanc"),
    ("Sarah", "Guerin"),
    ("Julien", "Faure"),
    ("Emma", "André"),
    ("Mathis", "Robin"),
]
# (weekday, start, end, recurrence) per animatrice, in turn.
PLAGES = [
    (0, datetime.time(9), datetime.time(12), Recurrence.WEEKLY),
    (2, datetime.time(14), datetime.time(17), Recurrence.WEEKLY),
    (3, datetime.time(9), datetime.time(12, 30), Recurrence.EVERY_OTHER_WEEK),
    (1, datetime.time(13, 30), datetime.time(17), Recurrence.WEEKLY),
    (4, datetime.time(9), datetime.time(12), Recurrence.EVERY_OTHER_WEEK),
]


def seed(collectivite):
    settings = BookingSettings.current()
    settings.departement = settings.departement or departement_of(collectivite)
    settings.school_zone = SchoolZone.B  # académies de Nantes and of Nancy-Metz
    settings.save()
    for relais in Relais.objects.order_by("pk"):
        if not relais.motifs.exists():
            relais_seed(relais, settings.departement)


def monday_of(day):
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def relais_seed(relais, departement):
    rng = random.Random(f"booking-{relais.pk}-{relais.name}")  # noqa: S311 - demo data
    today = timezone.localdate()
    first_day, last_day = today - relativedelta(months=11), today + relativedelta(months=3)
    motifs = []
    for name, minutes, modality, bookable_by, instructions in MOTIFS:
        motifs.append(
            Motif.objects.create(
                relais=relais,
                name=name,
                duration_minutes=minutes,
                buffer_minutes=15 if minutes >= 60 else 0,
                modality=modality,
                video_link="https://webconf.numerique.gouv.fr/relais-demo" if modality == Modality.VIDEO else "",
                bookable_by=bookable_by,
                min_delay_hours=24,
                max_delay_days=60,
                cancel_delay_hours=24,
                reminder_hours=[48, 2] if modality == Modality.ON_SITE else [24],
                instructions=instructions,
                restriction_text=RESTRICTION if name.startswith("Recherche") else "",
            )
        )
    lieux = list(relais.lieux.order_by("pk")[:3])
    animatrices = list(User.objects.filter(relais_memberships__relais=relais).order_by("pk"))
    if not lieux or not animatrices:
        return
    Closure.objects.create(
        relais=relais,
        first_day=datetime.date(today.year, 8, 4),
        last_day=datetime.date(today.year, 8, 22),
        reason="Fermeture d'été",
    )
    closed = closed_days(relais.pk, first_day, last_day, departement)
    plages = []
    for index, animatrice in enumerate(animatrices):
        for turn in range(2):
            weekday, start, end, recurrence = PLAGES[(index + turn * 2) % len(PLAGES)]
            lieu = lieux[(index + turn) % len(lieux)]
            plage = Plage.objects.create(
                animatrice=animatrice,
                lieu=lieu,
                first_day=monday_of(first_day) + datetime.timedelta(days=weekday),
                start_time=start,
                end_time=end,
                recurrence=recurrence,
                until=None,
            )
            plage.motifs.set(motifs)
            plages.append(plage)
        # A training day now and then.
        absent_on = today + datetime.timedelta(days=rng.randint(-150, 40))
        Absence.objects.create(
            animatrice=animatrice,
            start=datetime.datetime.combine(absent_on, datetime.time(8), tzinfo=PARIS),
            end=datetime.datetime.combine(absent_on, datetime.time(18), tzinfo=PARIS),
            reason="Formation",
        )
    absences = list(Absence.objects.filter(animatrice__in=animatrices))
    Appointment.objects.bulk_create(appointments_for(relais, plages, closed, absences, rng, first_day, last_day))
    demo_accounts_book(relais, rng)


def appointments_for(relais, plages, closed, absences, rng, first_day, last_day):
    """Walk each plage's days, filling about two thirds of the past and a third of the coming weeks."""
    now = timezone.now()
    appointments = []
    for plage in plages:
        step = 14 if plage.recurrence == Recurrence.EVERY_OTHER_WEEK else 7
        day = plage.first_day
        motifs = list(plage.motifs.all())
        while day <= last_day:
            if day not in closed:
                start = datetime.datetime.combine(day, plage.start_time, tzinfo=PARIS)
                closing = datetime.datetime.combine(day, plage.end_time, tzinfo=PARIS)
                while True:
                    motif = rng.choice(motifs)
                    end = start + datetime.timedelta(minutes=motif.duration_minutes)
                    if end > closing:
                        break
                    busy = any(
                        absence.animatrice_id == plage.animatrice_id and absence.start < end and start < absence.end
                        for absence in absences
                    )
                    # The coming 24 hours stay as they are: nobody books them online any more.
                    open_time = start < now or start > now + datetime.timedelta(hours=24)
                    if not busy and open_time and rng.random() < (0.65 if start < now else 0.3):
                        appointments.append(appointment_new(relais, plage, motif, start, end, now, rng))
                        start = end + datetime.timedelta(minutes=motif.buffer_minutes)
                    else:
                        start += datetime.timedelta(minutes=30)
            day += datetime.timedelta(days=step)
    return appointments


def appointment_new(relais, plage, motif, start, end, now, rng):
    first, last = rng.choice(CONTACTS)
    if start >= now:
        status = S.CANCELLED_BY_PERSON if rng.random() < 0.05 else S.BOOKED
    else:
        status = rng.choices(
            [S.SEEN, S.NO_SHOW, S.EXCUSED, S.CANCELLED_BY_PERSON, S.CANCELLED_BY_SERVICE], [80, 7, 5, 6, 2]
        )[0]
    return Appointment(
        motif=motif,
        relais=relais,
        lieu=plage.lieu,
        animatrice_id=plage.animatrice_id,
        start=start,
        end=end,
        blocked_until=end + datetime.timedelta(minutes=motif.buffer_minutes),
        contact_name=f"{first} {last}",
        contact_phone=f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        status=status,
        notes=rng.choice(NOTES) if status == S.SEEN else "",
    )


def demo_accounts_book(relais, rng):
    """The demo parent and AM hold one past and one coming appointment in the first relais."""
    if relais.pk != Relais.objects.order_by("pk").values_list("pk", flat=True).first():
        return
    now = timezone.now()
    for local, audience in (("parent", BookableBy.FAMILIES), ("am", BookableBy.AM)):
        person = User.objects.filter(email__startswith=f"{local}@").first()
        if person is None:
            continue
        for coming in (False, True):
            candidates = Appointment.objects.filter(
                relais=relais, motif__bookable_by=audience, person__isnull=True, status__in=[S.SEEN, S.BOOKED]
            )
            candidates = (
                candidates.filter(start__gt=now + datetime.timedelta(days=3))
                if coming
                else candidates.filter(start__lt=now - datetime.timedelta(days=7))
            )
            appointment = candidates.order_by("start" if coming else "-start").first()
            if appointment is not None:
                Appointment.objects.filter(pk=appointment.pk).update(
                    person=person,
                    family=getattr(person, "family", None),
                    contact_name="",
                    contact_phone="",
                    booked_by=person,
                )
