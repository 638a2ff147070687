"""Ateliers, inbox requests and logged contacts of the demo relais (people fictional).

Calibrated on the Vie et Boulogne RPE's plan (seed 001): about 250 matinées d'éveil a year itinerant over its 15
communes (here one fortnightly programme per commune in term time), a soirée a month, 8 sessions of analyse de la
pratique for 8 participants, réunions d'information open to families; contacts at the plan's yearly volumes (454
families looking for care, 364 parent-employer contacts, 206 AM requests), a fifth of them sent online. Metz's
three relais get a smaller programme each in their lieux.

The year runs from about ten months ago to two months ahead: past sessions have their attendance, coming ones
have registrations and free seats. Idempotent: a relais that has its programmes keeps them; contacts are seeded
once. Rows are written in bulk and no email is queued.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from rpe.ateliers.enums import AtelierKind, RecurrenceFrequency, RegistrationStatus
from rpe.ateliers.services import programme_generate
from rpe.enums import ActivityStatus
from rpe.inbox.enums import ContactChannel, ContactOutcome, ContactPerson, ContactTheme, RequestStatus
from rpe.models import AssistantMaternel, Relais
from rpe.models.ateliers import Atelier, AtelierProgramme, Registration
from rpe.models.inbox import ContactLog, InboxReply, InboxRequest

S = RegistrationStatus
PAST_DAYS, COMING_DAYS = 300, 65
# Yearly contacts of the Vie et Boulogne relais (2023), by who and on what (seed 001).
YEARLY_CONTACTS = [
    (ContactPerson.FAMILY, 454, [ContactTheme.CARE_SEARCH] * 8 + [ContactTheme.AIDS, ContactTheme.ATELIERS]),
    (
        ContactPerson.PARENT_EMPLOYER,
        364,
        [
            ContactTheme.CONTRACT,
            ContactTheme.CONTRACT,
            ContactTheme.MONTHLY_PAY,
            ContactTheme.PAID_LEAVE,
            ContactTheme.END_OF_CONTRACT,
            ContactTheme.AIDS,
        ],
    ),
    (
        ContactPerson.ASSISTANT_MATERNEL,
        206,
        [
            ContactTheme.CONTRACT,
            ContactTheme.AGREMENT,
            ContactTheme.TRAINING,
            ContactTheme.PARENT_RELATIONS,
            ContactTheme.JOB_OFFERS,
            ContactTheme.ATELIERS,
        ],
    ),
    (ContactPerson.AGREMENT_CANDIDATE, 18, [ContactTheme.AGREMENT]),
    (ContactPerson.PROJECT_HOLDER, 9, [ContactTheme.PROJECT]),
]
FIRST_NAMES = "Camille Léa Manon Chloé Inès Sarah Julie Emma Lucas Hugo Thomas Nicolas Karim Mehdi Yanis".split()
LAST_NAMES = "Martin Bernard Petit Durand Leroy Moreau Simon Laurent Michel Garcia Roux Fournier Morel".split()
MESSAGES = {
    ContactTheme.CARE_SEARCH: "Bonjour, nous cherchons un mode d'accueil pour notre enfant à partir de septembre.",
    ContactTheme.CONTRACT: "Bonjour, pouvez-vous m'aider à rédiger le contrat de travail de notre assistante "
    "maternelle ?",
    ContactTheme.MONTHLY_PAY: "Bonjour, comment calculer la mensualisation pour un accueil de 40 semaines ?",
    ContactTheme.PAID_LEAVE: "Bonjour, comment se calculent les congés payés de notre assistante maternelle ?",
    ContactTheme.END_OF_CONTRACT: "Bonjour, nous devons mettre fin au contrat : quel préavis et quelles indemnités ?",
    ContactTheme.AIDS: "Bonjour, à quelles aides avons-nous droit pour faire garder notre enfant ?",
    ContactTheme.AGREMENT: "Bonjour, je voudrais des informations sur l'agrément d'assistant maternel.",
    ContactTheme.TRAINING: "Bonjour, quelles formations continues sont proposées cette année ?",
    ContactTheme.PARENT_RELATIONS: "Bonjour, j'ai un désaccord avec des parents sur les horaires : que faire ?",
    ContactTheme.JOB_OFFERS: "Bonjour, j'ai une place qui se libère en janvier, pouvez-vous la diffuser ?",
    ContactTheme.ATELIERS: "Bonjour, peut-on venir aux matinées d'éveil avec un enfant de 2 ans et demi ?",
    ContactTheme.PROJECT: "Bonjour, nous avons un projet de MAM sur la commune et voudrions être accompagnées.",
}


def seed(collectivite):
    rng = random.Random(f"ateliers-{collectivite.slug}")  # noqa: S311 - reproducible fictional data
    relais_list = list(Relais.objects.order_by("pk"))
    share = 1.0 if len(relais_list) == 1 else 0.55
    with transaction.atomic():
        for relais in relais_list:
            programmes_seed(collectivite, relais, rng)
            registrations_seed(collectivite, relais, rng)
            contacts_seed(relais, rng, share=share)


def programmes_seed(collectivite, relais, rng):
    """The relais' programmes of the year and their sessions (missing sessions only, on later runs)."""
    today = timezone.localdate()
    first, last = today - datetime.timedelta(days=PAST_DAYS), today + datetime.timedelta(days=COMING_DAYS)
    animatrices = list(User.objects.filter(relais_memberships__relais=relais).order_by("pk"))
    lieux = list(relais.lieux.order_by("pk"))
    names = collectivite.commune_names()
    itinerant = len(relais.communes) > 1
    specs = []
    if itinerant:
        # One fortnightly matinée per commune, spread over the week's mornings.
        for index, code in enumerate(sorted(relais.communes)):
            specs.append(
                {
                    "kind": AtelierKind.EARLY_LEARNING,
                    "title": f"Matinée d'éveil à {names.get(code, code)}",
                    "place_name": f"Salle municipale de {names.get(code, code)}",
                    "code_insee": code,
                    "weekday": index % 5,
                    "frequency": RecurrenceFrequency.FORTNIGHTLY,
                    "first_date": first + datetime.timedelta(days=7 * (index % 2)),
                    "times": (datetime.time(9, 30), datetime.time(11, 30)),
                    "seats": (8, 16),
                }
            )
    else:
        for index, lieu in enumerate(lieux or [None]):
            for weekday in (1, 3):
                specs.append(
                    {
                        "kind": AtelierKind.EARLY_LEARNING,
                        "title": f"Matinée d'éveil — {lieu.name if lieu else relais.name}",
                        "lieu": lieu,
                        "code_insee": lieu.code_insee if lieu else relais.communes[0],
                        "weekday": (weekday + index) % 5,
                        "frequency": RecurrenceFrequency.WEEKLY,
                        "first_date": first,
                        "times": (datetime.time(9, 15), datetime.time(11, 15)),
                        "seats": (10, 20),
                    }
                )
    head = lieux[0] if lieux else None
    head_code = head.code_insee if head else relais.communes[0]
    specs += [
        {
            "kind": AtelierKind.EVENING,
            "title": "Soirée du relais : échanges entre professionnels",
            "lieu": head,
            "code_insee": head_code,
            "weekday": 3,
            "frequency": RecurrenceFrequency.MONTHLY,
            "first_date": first,
            "times": (datetime.time(20, 0), datetime.time(22, 0)),
            "seats": (25, 0),
            "term_time_only": False,
        },
        {
            "kind": AtelierKind.INFORMATION_MEETING,
            "title": "Réunion d'information : employer un·e assistant·e maternel·le",
            "lieu": head,
            "code_insee": head_code,
            "weekday": 0,
            "frequency": RecurrenceFrequency.MONTHLY,
            "first_date": first,
            "times": (datetime.time(18, 30), datetime.time(20, 0)),
            "seats": (20, 0),
            "term_time_only": False,
            "every_other": 3,
        },
    ]
    for index, spec in enumerate(specs):
        start_time, end_time = spec.pop("times")
        seats_adults, seats_children = spec.pop("seats")
        every_other = spec.pop("every_other", 1)
        programme, created = AtelierProgramme.objects.get_or_create(
            relais=relais,
            title=spec["title"],
            defaults={
                **spec,
                "last_date": last,
                "start_time": start_time,
                "end_time": end_time,
                "seats_adults": seats_adults,
                "seats_children": seats_children,
                "animatrice": animatrices[index % len(animatrices)] if animatrices else None,
                "description": "Temps collectif ouvert aux assistants maternels et aux enfants qu'ils accueillent.",
            },
        )
        if created:
            programme_generate(programme)
            if every_other > 1:  # a réunion d'information every three months, not monthly
                sessions = list(programme.ateliers.order_by("start"))
                Atelier.objects.filter(pk__in=[s.pk for i, s in enumerate(sessions) if i % every_other]).delete()
    analyse_seed(relais, head, head_code, first, last)


def analyse_seed(relais, lieu, code, first, last):
    """Analyse de la pratique: 8 sessions a year for 8 participants (mission renforcée), from September."""
    if Atelier.objects.filter(relais=relais, kind=AtelierKind.PRACTICE_ANALYSIS).exists():
        return
    zone = timezone.get_current_timezone()
    step = (last - first) / 8
    Atelier.objects.bulk_create(
        Atelier(
            relais=relais,
            kind=AtelierKind.PRACTICE_ANALYSIS,
            title="Analyse de la pratique avec une psychologue",
            lieu=lieu,
            code_insee=code,
            start=datetime.datetime.combine(
                first + step * n + datetime.timedelta(days=3), datetime.time(19, 30), tzinfo=zone
            ),
            end=datetime.datetime.combine(
                first + step * n + datetime.timedelta(days=3), datetime.time(21, 0), tzinfo=zone
            ),
            seats_adults=8,
            seats_children=0,
        )
        for n in range(8)
    )


def registrations_seed(collectivite, relais, rng):
    """Registrations of the relais' AM: past sessions with their attendance, coming ones with seats left."""
    sessions = list(
        Atelier.objects.filter(relais=relais, registrations__isnull=True).exclude(kind=AtelierKind.INFORMATION_MEETING)
    )
    if not sessions:
        return
    ams = list(AssistantMaternel.objects.filter(relais=relais, activity_status=ActivityStatus.ACTIVE).order_by("pk"))
    if not ams:
        return
    # About half the relais' AM come to collective times; a core of regulars comes often.
    regulars = rng.sample(ams, k=max(1, len(ams) // 2))
    demo_am = AssistantMaternel.objects.filter(user__email=f"am@{collectivite.slug}.demo").first()
    now = timezone.now()
    rows = []
    for atelier in sessions:
        past = atelier.start < now
        # Coming sessions are partly filled (free seats remain); past ones were mostly full.
        fill = rng.uniform(0.6, 1.0) if past else rng.uniform(0.1, 0.6)
        count = min(len(regulars), max(1, round(atelier.seats_adults * fill)))
        people = rng.sample(regulars, k=count)
        if demo_am is not None and demo_am in people and not past:
            people.remove(demo_am)  # the demo AM registers herself for the coming ones
        children_left = atelier.seats_children
        for am in people:
            children = min(rng.choice((1, 2, 2, 3)), children_left) if atelier.seats_children else 0
            children_left -= children
            came = past and rng.random() < 0.85
            status = (S.ATTENDED if came else S.ABSENT) if past else S.REGISTERED
            rows.append(
                Registration(
                    atelier=atelier,
                    assistant=am,
                    user_id=am.user_id,
                    children=children,
                    children_present=(children if came else 0) if past else None,
                    status=status,
                    created_at=atelier.start - datetime.timedelta(days=rng.randint(2, 20)),
                )
            )
    coming = sorted(
        (atelier for atelier in sessions if atelier.start > now and atelier.kind == AtelierKind.EARLY_LEARNING),
        key=lambda atelier: atelier.start,
    )
    if demo_am is not None and coming:
        rows.append(
            Registration(
                atelier=coming[0], assistant=demo_am, user_id=demo_am.user_id, children=2, status=S.REGISTERED
            )
        )
    Registration.objects.bulk_create(rows, batch_size=2000)


def contacts_seed(relais, rng, *, share):
    """A year of contacts at the seed's volumes (times `share` for Metz's relais); a fifth arrive online."""
    if ContactLog.objects.filter(relais=relais).exists():
        return
    now = timezone.now()
    animatrices = list(User.objects.filter(relais_memberships__relais=relais).order_by("pk"))
    contacts, requests = [], []
    for person, yearly, themes in YEARLY_CONTACTS:
        for _n in range(round(yearly * share)):
            when = now - datetime.timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 10))
            when = when.replace(hour=rng.randint(8, 17))
            theme = rng.choice(themes)
            if rng.random() < 0.2:
                requests.append(request_row(relais, person, theme, when, now, rng, animatrices))
                continue
            contacts.append(
                ContactLog(
                    relais=relais,
                    person=person,
                    theme=theme,
                    channel=rng.choices(
                        [ContactChannel.PHONE, ContactChannel.DESK, ContactChannel.EMAIL], weights=[6, 2, 2]
                    )[0],
                    outcome=rng.choices(list(ContactOutcome), weights=[6, 2, 1, 1, 1])[0],
                    occurred_at=when,
                    logged_by=rng.choice(animatrices) if animatrices else None,
                )
            )
    ContactLog.objects.bulk_create(contacts, batch_size=2000)
    created = InboxRequest.objects.bulk_create(requests, batch_size=2000)
    InboxReply.objects.bulk_create(
        InboxReply(
            request=request,
            author=request.assigned_to,
            body="Bonjour, merci pour votre message. Vous trouverez ci-dessous les informations demandées.",
        )
        for request in created
        if request.answered_at is not None
    )


def request_row(relais, person, theme, when, now, rng, animatrices):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    age = now - when
    if age < datetime.timedelta(days=3):
        status = rng.choice([RequestStatus.NEW, RequestStatus.NEW, RequestStatus.IN_PROGRESS])
    elif age < datetime.timedelta(days=10):
        status = rng.choice([RequestStatus.IN_PROGRESS, RequestStatus.ANSWERED])
    else:
        status = rng.choice([RequestStatus.ANSWERED, RequestStatus.ANSWERED, RequestStatus.CLOSED])
    answered = status in (RequestStatus.ANSWERED, RequestStatus.CLOSED)
    return InboxRequest(
        relais=relais,
        person=person,
        theme=theme,
        message=MESSAGES[theme],
        name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}{rng.randint(1, 999)}@exemple.demo",
        status=status,
        assigned_to=rng.choice(animatrices) if animatrices and status != RequestStatus.NEW else None,
        created_at=when,
        answered_at=when + datetime.timedelta(days=rng.uniform(0.2, 4)) if answered else None,
    )
