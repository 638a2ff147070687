"""The relais and assistants maternels of the demo collectivités (people fictional, communes real).

Calibrated on the Vie et Boulogne RPE's 2025-2029 plan (seed 001): one itinerant relais over 15
communes, six animatrices, 312 AM in activity of whom more than 100 are over 55, 12 MAM, about 3.5
agrément places per AM, and the arrivals and archivings of 2018-2023 from the plan's table. Metz: three
relais, about 370 AM. About a third declared availability, at various dates; the rest never did or
long ago. At least 10 % refused the publication of their phone, 10 % their email, 20 % their address.

Idempotent and fast: the directory is created in bulk once (AM are keyed by their agrément number);
later runs only bring the demo accounts back to their demo state.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.demo import account_ensure
from rpe import demo_ateliers, demo_booking, demo_search
from rpe.enums import (
    WEEKDAY_HALF_DAYS,
    ActivityStatus,
    AvailabilityChangeKind,
    AvailabilityStatus,
    ChangedBy,
    HalfDay,
    Language,
    LieuKind,
    Workplace,
)
from rpe.geo import coarsen
from rpe.models import (
    AgrementPlace,
    AssistantMaternel,
    Availability,
    AvailabilityChange,
    Lieu,
    Mam,
    Relais,
    RelaisMembership,
)
from rpe.services import availability_declare

# Vie et Boulogne's AM archived and arrived per year (RPE plan 2025-2029, table "Archivages et arrivées CCVB").
VIE_ET_BOULOGNE_MOVES = {2018: (50, 7), 2019: (51, 8), 2020: (46, 16), 2021: (43, 15), 2022: (54, 14), 2023: (48, 12)}

FIRST_NAMES = (
    "Sylvie Nathalie Isabelle Sandrine Valérie Christine Véronique Catherine Stéphanie Céline Sophie Karine "
    "Laurence Virginie Delphine Aurélie Émilie Julie Anne Marie Florence Corinne Patricia Martine Brigitte "
    "Mélanie Audrey Élodie Caroline Séverine Magali Nadia Fatima Samia Leïla Amandine Cindy Jessica Laetitia "
    "Agnès Pascale Hélène Claire Chantal Monique Josiane Maryse Solène Gaëlle Morgane Anaïs Pauline Élise "
    "Thierry Pascal Yannick"
).split()
LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
    "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Mercier Dupont Lambert Bonnet François "
    "Martinez Legrand Garnier Faure Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
    "Clément Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen Boyer Denis Lemaire "
    "Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Barbier "
    "Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc "
    "Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Lacroix Dupuis Olivier Chauvin Aubry Lebrun "
    "Ménard Tessier Rivière Grelier Pacaud Bourasseau Chaigneau Gilbert Bouron Rabaud Praud Tenaud"
).split()
STREETS = [
    "rue des Lilas",
    "impasse des Mésanges",
    "rue du Stade",
    "chemin de la Vie",
    "rue de la Boulogne",
    "allée des Chênes",
    "rue des Écoles",
    "place de l'Église",
    "rue du Moulin",
    "rue des Tilleuls",
    "lotissement Les Coteaux",
    "rue de Nantes",
]
MAM_NAMES = [
    "Les P'tits Loups",
    "Les Lucioles",
    "Les Petits Pas",
    "À Petits Petons",
    "Les Frimousses",
    "La Cabane des Bambins",
    "Les Bouts d'Chou",
    "L'Île aux Câlins",
    "Les Pitchounes",
    "Graines d'Éveil",
    "Les Doudous",
    "La Ribambelle",
]

DEMO_SPECS = {
    "vie-et-boulogne": {
        "relais": [
            {
                "name": "Relais petite enfance Vie et Boulogne",
                "itinerant": True,
                "phone": "02 51 00 00 10",
                "lieux": [
                    (LieuKind.HEAD_OFFICE, "Siège de la communauté de communes", "85178"),
                    (LieuKind.TOWN_HALL, "Mairie d'Aizenay", "85003"),
                    (LieuKind.TOWN_HALL, "Mairie de Bellevigny", "85019"),
                    (LieuKind.LIBRARY, "Médiathèque des Lucs-sur-Boulogne", "85129"),
                    (LieuKind.LIBRARY, "Médiathèque de Palluau", "85169"),
                    (LieuKind.COMMUNITY_HALL, "Salle des fêtes de Falleron", "85086"),
                ],
                "animatrices": 6,
                "active": 312,
                "mams": 12,
            }
        ],
        "moves": VIE_ET_BOULOGNE_MOVES,
        "phone_prefix": "02 51",
        "postal_code": "85170",
    },
    "metz": {
        "relais": [
            {
                "name": "Relais petite enfance Metz Nord",
                "itinerant": False,
                "phone": "03 87 00 00 11",
                "lieux": [(LieuKind.HEAD_OFFICE, "Maison de la petite enfance de Metz-Nord", "57463")],
                "animatrices": 2,
                "active": 125,
                "mams": 3,
            },
            {
                "name": "Relais petite enfance Metz Centre",
                "itinerant": False,
                "phone": "03 87 00 00 12",
                "lieux": [
                    (LieuKind.HEAD_OFFICE, "Relais petite enfance du centre", "57463"),
                    (LieuKind.LIBRARY, "Médiathèque Verlaine", "57463"),
                ],
                "animatrices": 2,
                "active": 120,
                "mams": 2,
            },
            {
                "name": "Relais petite enfance Metz Sud",
                "itinerant": False,
                "phone": "03 87 00 00 13",
                "lieux": [(LieuKind.HEAD_OFFICE, "Maison de l'enfance de Metz-Sud", "57463")],
                "animatrices": 2,
                "active": 125,
                "mams": 2,
            },
        ],
        # Metz's figures are not in the seed: a smaller, similar flow.
        "moves": {2021: (30, 14), 2022: (34, 16), 2023: (31, 15)},
        "phone_prefix": "03 87",
        "postal_code": "57000",
    },
}

# Share of AM refusing publication (décret 2021-1131): above the contract's floors (10 %, 10 %, 20 %).
REFUSE_PHONE, REFUSE_EMAIL, REFUSE_ADDRESS = 0.15, 0.15, 0.28


def seed(collectivite):
    spec = DEMO_SPECS.get(collectivite.slug)
    if spec is None:
        return
    with transaction.atomic():
        relais = directory_seed(collectivite, spec)
        demo_am_seed(collectivite, relais[0])
    # Other areas of the rpe app seed after the directory (one call line each):
    demo_ateliers.seed(collectivite)
    demo_search.seed(collectivite)  # job offers, contact requests (rpesearch)
    demo_booking.seed(collectivite)


def centres(collectivite):
    return {c.code_insee: (c.latitude, c.longitude) for c in collectivite.territory() if c.latitude}


def relais_ensure(collectivite, spec):
    """The relais, their lieux and animatrices (the contract's animatrice@ is in the first relais)."""
    codes = [commune.code_insee for commune in collectivite.territory()]
    where = centres(collectivite)
    slug = collectivite.slug
    all_relais = []
    number = 1
    for index, item in enumerate(spec["relais"]):
        relais, _created = Relais.objects.update_or_create(
            name=item["name"],
            defaults={
                "communes": codes,
                "is_itinerant": item["itinerant"],
                "phone": item["phone"],
                "email": f"relais{index + 1}@{slug}.demo",
                "address": collectivite.contact_address,
            },
        )
        for kind, name, code in item["lieux"]:
            latitude, longitude = where.get(code, (None, None))
            Lieu.objects.update_or_create(
                relais=relais,
                name=name,
                defaults={"kind": kind, "code_insee": code, "latitude": latitude, "longitude": longitude},
            )
        for _position in range(item["animatrices"]):
            # The contract's animatrice@<slug>.demo, then her colleagues (one demo account per role stays at @<slug>).
            email = f"animatrice@{slug}.demo" if number == 1 else f"animatrice{number}@relais.{slug}.demo"
            user = account_ensure(
                email=email,
                roles=[Role.ANIMATRICE_RPE],
                first_name=["Hélène", "Sophie", "Caroline", "Anne", "Marion", "Lucie", "Claire"][number % 7],
                last_name=["Rousseau", "Praud", "Ardon", "Gilbert", "Tessier", "Roy", "Mercier"][number % 7],
                staff_totp=True,
            )
            RelaisMembership.objects.get_or_create(user=user, relais=relais)
            number += 1
        all_relais.append((relais, item))
    return all_relais


def directory_seed(collectivite, spec):
    all_relais = relais_ensure(collectivite, spec)
    prefix = "DEMO-" + collectivite.slug.upper()[:3] + "-"
    if AssistantMaternel.objects.filter(agrement_number__startswith=prefix).exists():
        return [relais for relais, _item in all_relais]
    rng = random.Random(collectivite.slug)  # noqa: S311 - reproducible fictional data, not a secret
    today = timezone.localdate()
    where = centres(collectivite)
    codes = list(where)
    counter = iter(range(1, 100000))
    ams, places_by_am = [], {}

    def person(relais, *, arrived_on, archived_on=None, older=False, mam=None):
        number = next(counter)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        code = mam.code_insee if mam else rng.choice(codes)
        centre = where[code]
        latitude = round(centre[0] + rng.uniform(-0.02, 0.02), 6)
        longitude = round(centre[1] + rng.uniform(-0.03, 0.03), 6)
        coarse = coarsen(latitude, longitude)
        age = rng.randint(56, 66) if older else rng.randint(24, 54)
        agrement_date = arrived_on or datetime.date(rng.randint(1995, 2017), rng.randint(1, 12), 1)
        am = AssistantMaternel(
            relais=relais,
            first_name=first,
            last_name=last,
            birth_year=today.year - age,
            phone=f"{spec['phone_prefix']} {number // 100 % 100:02d} {number % 100:02d} {rng.randint(10, 99)}",
            email=f"{first.lower()}.{last.lower()}.{number}@am.{collectivite.slug}.demo".replace(" ", ""),
            address=f"{rng.randint(1, 60)} {rng.choice(STREETS)}",
            postal_code=spec["postal_code"],
            code_insee=code,
            latitude=latitude,
            longitude=longitude,
            coarse_latitude=coarse[0],
            coarse_longitude=coarse[1],
            agrement_number=f"{prefix}{number:05d}",
            agrement_date=agrement_date,
            renewal_due_on=datetime.date(today.year + rng.randint(0, 4), agrement_date.month, 1),
            workplace=Workplace.MAM if mam else Workplace.HOME,
            mam=mam,
            languages=[rng.choice(Language.values)] if rng.random() < 0.12 else [],
            early_hours=rng.random() < 0.3,
            late_hours=rng.random() < 0.12,
            saturday=rng.random() < 0.1,
            sunday=rng.random() < 0.03,
            night=rng.random() < 0.02,
            disability=rng.random() < 0.2,
            periscolaire=rng.random() < 0.45,
            school_holidays=rng.random() < 0.5,
            emergency_cover=rng.random() < 0.15,
            activity_status=ActivityStatus.ARCHIVED if archived_on else ActivityStatus.ACTIVE,
            activity_status_on=archived_on,
            arrived_on=arrived_on or agrement_date,
            archived_on=archived_on,
            publish_phone=rng.random() >= REFUSE_PHONE,
            publish_email=rng.random() >= REFUSE_EMAIL,
            publish_address=rng.random() >= REFUSE_ADDRESS,
        )
        # About 3.5 places each (1,092 places for 312 AM at Vie et Boulogne).
        count = rng.choices([2, 3, 4], weights=[8, 34, 58])[0]
        places_by_am[am.agrement_number] = count
        ams.append(am)
        return am

    moves = spec["moves"]
    for relais, item in all_relais:
        mam_count = Mam.objects.count()
        mams = [
            Mam.objects.create(
                relais=relais,
                name=f"MAM {MAM_NAMES[(mam_count + index) % len(MAM_NAMES)]}",
                code_insee=(code := rng.choice(codes)),
                address=f"{rng.randint(1, 30)} {rng.choice(STREETS)}",
                latitude=where[code][0],
                longitude=where[code][1],
            )
            for index in range(item["mams"])
        ]
        share = item["active"] / sum(entry["active"] for entry in spec["relais"])
        arrivals = [
            datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            for year, (_archived, arrived) in moves.items()
            for _ in range(round(arrived * share))
        ]
        older = round(item["active"] * 0.34)  # over 55: a third (over 100 of 312)
        for position in range(item["active"]):
            arrived_on = arrivals[position] if position < len(arrivals) else None
            mam = mams[position % len(mams)] if mams and position % 9 == 4 else None
            person(relais, arrived_on=arrived_on, older=position >= item["active"] - older, mam=mam)
        for year, (archived, _arrived) in moves.items():
            for _ in range(round(archived * share)):
                person(
                    relais,
                    arrived_on=None,
                    archived_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                    older=rng.random() < 0.6,
                )
    AssistantMaternel.objects.bulk_create(ams, batch_size=500)
    places = AgrementPlace.objects.bulk_create(
        [
            AgrementPlace(am=am, count=places_by_am[am.agrement_number], age_min_months=0, age_max_months=72)
            for am in ams
        ],
        batch_size=500,
    )
    availability_seed(rng, today, [place for place in places if place.am.activity_status == ActivityStatus.ACTIVE])
    return [relais for relais, _item in all_relais]


def availability_seed(rng, today, places):
    """A third declared (free places or none) at various dates; a few of those are over six months old."""
    declared = [place for place in places if rng.random() < 0.36]
    availabilities, changes, confirmations = [], [], {}
    for place in declared:
        days_ago = rng.choice([rng.randint(0, 60), rng.randint(60, 180), rng.randint(190, 400)])
        when = today - datetime.timedelta(days=days_ago)
        free = rng.random() < 0.55
        status = (
            AvailabilityStatus.NONE if not free else rng.choice([AvailabilityStatus.NOW, AvailabilityStatus.FROM_DATE])
        )
        half_days = WEEKDAY_HALF_DAYS if rng.random() < 0.6 else rng.sample(WEEKDAY_HALF_DAYS, rng.randint(4, 8))
        availabilities.append(
            Availability(
                place=place,
                status=status,
                available_from=when + datetime.timedelta(days=rng.randint(15, 200))
                if status == AvailabilityStatus.FROM_DATE
                else None,
                count=rng.randint(1, place.count) if free else 1,
                half_days=sorted(half_days, key=HalfDay.values.index) if free else [],
                age_min_months=0 if rng.random() < 0.7 else 12,
                age_max_months=36 if rng.random() < 0.6 else 72,
                updated_on=timezone.make_aware(datetime.datetime.combine(when, datetime.time(10))),
            )
        )
        confirmations[place.am_id] = when
        changes.append(
            AvailabilityChange(
                am_id=place.am_id,
                kind=AvailabilityChangeKind.DECLARED,
                changed_by=ChangedBy.AM,
                snapshot=[{"place": place.pk, "status": status.value}],
                created_at=timezone.make_aware(datetime.datetime.combine(when, datetime.time(10))),
            )
        )
    Availability.objects.bulk_create(availabilities, batch_size=500)
    AvailabilityChange.objects.bulk_create(changes, batch_size=500)
    by_date = {}
    for am_id, when in confirmations.items():
        by_date.setdefault(when, []).append(am_id)
    for when, ids in by_date.items():
        AssistantMaternel.objects.filter(pk__in=ids).update(availability_confirmed_on=when)


def demo_am_seed(collectivite, relais):
    """am@<slug>.demo: a complete, published profile who declared free places (brought back each run)."""
    account = User.objects.filter(email=f"am@{collectivite.slug}.demo").first()
    if account is None:
        return
    where = centres(collectivite)
    code = next(iter(where))
    latitude, longitude = where[code][0] + 0.004, where[code][1] - 0.003
    am, _created = AssistantMaternel.objects.update_or_create(
        agrement_number=f"DEMO-AM-{collectivite.slug.upper()}",
        defaults={
            "user": account,
            "relais": relais,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "birth_year": timezone.localdate().year - 44,
            "phone": "06 00 00 00 01",
            "email": account.email,
            "address": "12 rue des Lilas",
            "postal_code": DEMO_SPECS[collectivite.slug]["postal_code"],
            "code_insee": code,
            "latitude": latitude,
            "longitude": longitude,
            "coarse_latitude": coarsen(latitude, longitude)[0],
            "coarse_longitude": coarsen(latitude, longitude)[1],
            "agrement_date": datetime.date(2012, 9, 1),
            "renewal_due_on": datetime.date(timezone.localdate().year + 2, 9, 1),
            "workplace": Workplace.HOME,
            "mam": None,
            "languages": [Language.EN],
            "early_hours": True,
            "disability": True,
            "periscolaire": True,
            "school_holidays": True,
            "activity_status": ActivityStatus.ACTIVE,
            "archived_on": None,
            "arrived_on": datetime.date(2012, 9, 1),
            "publish_phone": True,
            "publish_email": True,
            "publish_address": True,
        },
    )
    if not am.places.exists():
        AgrementPlace.objects.create(am=am, count=3, age_min_months=0, age_max_months=36)
        AgrementPlace.objects.create(am=am, count=1, age_min_months=0, age_max_months=72, is_derogation=True)
    first = am.places.order_by("pk").first()
    declared = Availability.objects.filter(place=first).first()
    if declared is None or declared.status == AvailabilityStatus.NONE or am.is_stale():
        availability_declare(
            am=am,
            declarations={
                first.pk: {
                    "status": AvailabilityStatus.NOW,
                    "count": 1,
                    "half_days": WEEKDAY_HALF_DAYS,
                    "age_min_months": 0,
                    "age_max_months": 36,
                }
            },
            user=account,
        )


def seed_after(collectivite):
    """Once every app is seeded: outcomes for the families the past commission sessions left without a place."""
    demo_search.followup_seed(collectivite)
