"""The offer of collective care of the demo collectivités (names and figures fictional, communes real).

Idempotent and fast: establishments and sections are upserted in bulk by their natural keys.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from creches.enums import CareKind, EstablishmentType, Manager
from creches.models import Establishment, FeeScale, PlaceOpening, Section
from portal.accounts.models import User
from portal.dates import first_of_next_month

WEEKDAYS = [0, 1, 2, 3, 4]
T = datetime.time

# The barème in force since 1 September 2025 (CNAF): PSU rates, resources floor and ceiling, CMG reference cost.
FEE_SCALES = [
    {
        "valid_from": datetime.date(2025, 9, 1),
        "resources_floor": Decimal("801.00"),
        "resources_ceiling": Decimal("8500.00"),
        "effort_rate_1": Decimal("0.0619"),
        "effort_rate_2": Decimal("0.0516"),
        "effort_rate_3": Decimal("0.0413"),
        "effort_rate_4_to_7": Decimal("0.0310"),
        "effort_rate_8_plus": Decimal("0.0206"),
        "reference_hourly_cost": Decimal("4.85"),
        # Micro-crèche CMG (CMG "structure"), child under 3: demo figures of the order of the CAF's
        # yearly table; a collectivité enters the current table from caf.fr.
        "cmg_structure_amount_1": Decimal("958.66"),
        "cmg_structure_amount_2": Decimal("798.88"),
        "cmg_structure_amount_3": Decimal("639.11"),
        "cmg_structure_ceiling_1": Decimal("22809.00"),
        "cmg_structure_ceiling_2": Decimal("50686.00"),
        "cmg_structure_ceiling_step_1": Decimal("3237.00"),
        "cmg_structure_ceiling_step_2": Decimal("7195.00"),
    }
]

MULTI_ACCUEIL_SECTIONS = [("bebes", "Bébés", 2, 18), ("moyens", "Moyens", 18, 30), ("grands", "Grands", 30, 48)]

# Vie et Boulogne: (code INSEE, postal code, latitude, longitude) of each commune's centre.
VIE_ET_BOULOGNE_PLACES = {
    "Aizenay": ("85003", "85190", "46.73920", "-1.60810"),
    "Apremont": ("85006", "85220", "46.75550", "-1.74830"),
    "Beaufou": ("85015", "85170", "46.81910", "-1.52540"),
    "Bellevigny": ("85019", "85170", "46.77620", "-1.42860"),
    "Falleron": ("85086", "85670", "46.88210", "-1.70130"),
    "Grand'Landes": ("85104", "85670", "46.85170", "-1.64480"),
    "La Chapelle-Palluau": ("85055", "85670", "46.78740", "-1.62340"),
    "La Génétouze": ("85098", "85190", "46.72830", "-1.50980"),
    "Le Poiré-sur-Vie": ("85178", "85170", "46.76850", "-1.50930"),
    "Les Lucs-sur-Boulogne": ("85129", "85170", "46.84470", "-1.49470"),
    "Maché": ("85130", "85190", "46.75420", "-1.68600"),
    "Palluau": ("85169", "85670", "46.80610", "-1.62030"),
    "Saint-Denis-la-Chevasse": ("85208", "85170", "46.82810", "-1.35700"),
    "Saint-Étienne-du-Bois": ("85215", "85670", "46.82950", "-1.59290"),
    "Saint-Paul-Mont-Penit": ("85261", "85670", "46.80690", "-1.66950"),
}

# (slug, name, commune, capacity, opens, closes, address, extras)
VIE_ET_BOULOGNE_EAJE = [
    (
        "multi-accueil-aizenay",
        "Multi-accueil Les P'tits Loups",
        "Aizenay",
        36,
        T(7, 15),
        T(19, 0),
        "12 rue des Écoles",
        {},
    ),
    (
        "multi-accueil-bellevigny",
        "Multi-accueil Les Lucioles",
        "Bellevigny",
        24,
        T(7, 30),
        T(18, 45),
        "3 allée des Tilleuls",
        {"disability_friendly": True},
    ),
    (
        "multi-accueil-le-poire-sur-vie",
        "Multi-accueil La Ribambelle",
        "Le Poiré-sur-Vie",
        30,
        T(7, 0),
        T(19, 0),
        "8 rue du Stade",
        {"avip": True},
    ),
]
VIE_ET_BOULOGNE_MICRO = [
    ("Aizenay", "Micro-crèche Les Petits Mousses", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Aizenay", "Micro-crèche Pirouette", EstablishmentType.MICRO_CRECHE_PSU),
    ("Apremont", "Micro-crèche Au Fil de l'Eau", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Beaufou", "Micro-crèche Les Frimousses", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Bellevigny", "Micro-crèche Les Bambins", EstablishmentType.MICRO_CRECHE_PSU),
    ("Falleron", "Micro-crèche Le Nid Douillet", EstablishmentType.MICRO_CRECHE_PAJE),
    ("La Génétouze", "Micro-crèche Les Petits Pas", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Le Poiré-sur-Vie", "Micro-crèche Trois Pommes", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Les Lucs-sur-Boulogne", "Micro-crèche Les Câlinous", EstablishmentType.MICRO_CRECHE_PSU),
    ("Maché", "Micro-crèche Les Marmousets", EstablishmentType.MICRO_CRECHE_PAJE),
    ("Saint-Denis-la-Chevasse", "Micro-crèche Graines d'Éveil", EstablishmentType.MICRO_CRECHE_PAJE),
]

METZ_QUARTERS = [
    ("Centre-Ville", "57000", "49.11960", "6.17570"),
    ("Sablon", "57000", "49.10300", "6.18400"),
    ("Borny", "57070", "49.11100", "6.20600"),
    ("Bellecroix", "57070", "49.12600", "6.19700"),
    ("Queuleu", "57070", "49.10500", "6.19800"),
    ("Plantières", "57070", "49.11700", "6.19900"),
    ("Devant-les-Ponts", "57050", "49.12800", "6.16200"),
    ("Patrotte", "57050", "49.12950", "6.17600"),
    ("Magny", "57000", "49.10050", "6.17000"),
    ("Grigy", "57070", "49.10600", "6.20900"),
    ("Vallières", "57070", "49.12700", "6.20200"),
    ("Nouvelle Ville", "57000", "49.11200", "6.17400"),
    ("Outre-Seille", "57000", "49.11900", "6.18300"),
    ("Pontiffroy", "57000", "49.12300", "6.17100"),
    ("Technopôle", "57070", "49.10200", "6.20700"),
    ("Saint-Pierre", "57000", "49.10900", "6.16600"),
]
METZ_STREETS = [
    "rue des Jardins",
    "rue Mazelle",
    "avenue de Strasbourg",
    "rue de la Chapelle",
    "rue du Général Metman",
    "boulevard de Trèves",
    "rue Saint-Bernard",
    "rue de Verdun",
]
# (name, type, manager, capacity, opens, closes)
METZ_ESTABLISHMENTS = [
    ("Multi-accueil Les Coccinelles", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 60, T(7, 0), T(19, 0)),
    ("Multi-accueil Les Écureuils", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 55, T(7, 15), T(18, 45)),
    ("Multi-accueil Les Papillons", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 60, T(7, 0), T(19, 0)),
    ("Multi-accueil La Farandole", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 50, T(7, 30), T(18, 30)),
    ("Multi-accueil Les Mirabelles", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 60, T(6, 30), T(19, 30)),
    ("Multi-accueil Pomme d'Api", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 45, T(7, 30), T(18, 30)),
    ("Multi-accueil Les Hirondelles", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 55, T(7, 0), T(18, 45)),
    ("Multi-accueil Le Petit Prince", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 60, T(7, 0), T(19, 0)),
    ("Multi-accueil Les Lutins", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 50, T(7, 30), T(18, 30)),
    ("Multi-accueil Arc-en-Ciel", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 60, T(7, 0), T(19, 0)),
    (
        "Multi-accueil Les Moussaillons",
        EstablishmentType.CRECHE_COLLECTIVE,
        Manager.MUNICIPAL,
        45,
        T(7, 30),
        T(18, 30),
    ),
    ("Multi-accueil Graine de Soleil", EstablishmentType.CRECHE_COLLECTIVE, Manager.DSP, 50, T(7, 0), T(19, 0)),
    ("Crèche Les Petits Loups", EstablishmentType.CRECHE_COLLECTIVE, Manager.ASSOCIATIF, 45, T(7, 30), T(18, 30)),
    ("Crèche La Maison des Doudous", EstablishmentType.CRECHE_COLLECTIVE, Manager.ASSOCIATIF, 40, T(7, 45), T(18, 15)),
    ("Crèche Les Bout'chous", EstablishmentType.CRECHE_COLLECTIVE, Manager.ASSOCIATIF, 40, T(7, 30), T(18, 30)),
    ("Crèche familiale Les Nids", EstablishmentType.CRECHE_FAMILIALE, Manager.MUNICIPAL, 60, T(6, 30), T(20, 0)),
    (
        "Crèche parentale Les Petites Canailles",
        EstablishmentType.CRECHE_PARENTALE,
        Manager.ASSOCIATIF,
        18,
        T(8, 0),
        T(18, 0),
    ),
    ("Halte-garderie Les Galopins", EstablishmentType.HALTE_GARDERIE, Manager.MUNICIPAL, 20, T(8, 30), T(17, 30)),
    (
        "Micro-crèche Les Petits Explorateurs",
        EstablishmentType.MICRO_CRECHE_PAJE,
        Manager.PRIVE,
        12,
        T(7, 30),
        T(19, 0),
    ),
    ("Micro-crèche Chrysalide", EstablishmentType.MICRO_CRECHE_PAJE, Manager.PRIVE, 12, T(7, 0), T(19, 0)),
    ("Micro-crèche Les Pitchouns", EstablishmentType.MICRO_CRECHE_PSU, Manager.PRIVE, 12, T(7, 30), T(18, 30)),
    ("Micro-crèche Bulle d'Éveil", EstablishmentType.MICRO_CRECHE_PAJE, Manager.PRIVE, 12, T(7, 0), T(19, 30)),
    ("Micro-crèche Les Mini-Pousses", EstablishmentType.MICRO_CRECHE_PSU, Manager.PRIVE, 12, T(7, 30), T(18, 30)),
    ("Multi-accueil Tom Pouce", EstablishmentType.CRECHE_COLLECTIVE, Manager.MUNICIPAL, 50, T(7, 0), T(18, 45)),
]


def slugify_name(name):
    return slugify(name)[:80]


def sections_for(establishment_type, capacity):
    """Sections typical of each type: one mixed group in small structures, three age groups elsewhere."""
    if establishment_type in (EstablishmentType.MICRO_CRECHE_PAJE, EstablishmentType.MICRO_CRECHE_PSU):
        return [("mixte", "Section unique", 2, 36, capacity)]
    if establishment_type in (EstablishmentType.CRECHE_PARENTALE, EstablishmentType.HALTE_GARDERIE):
        return [("mixte", "Groupe unique", 3, 48, capacity)]
    if establishment_type == EstablishmentType.CRECHE_FAMILIALE:
        return [("domicile", "Accueil chez les assistantes maternelles", 2, 48, capacity)]
    # Multi-accueil: a quarter of the places for babies, the rest split between the two older groups.
    babies = capacity // 4
    middle = (capacity - babies) // 2
    sizes = [babies, middle, capacity - babies - middle]
    return [
        (code, name, low, high, size)
        for (code, name, low, high), size in zip(MULTI_ACCUEIL_SECTIONS, sizes, strict=True)
    ]


def vie_et_boulogne_rows():
    rows = []
    for slug, name, commune, capacity, opens, closes, street, extras in VIE_ET_BOULOGNE_EAJE:
        rows.append(
            {
                "slug": slug,
                "name": name,
                "type": EstablishmentType.CRECHE_COLLECTIVE,
                "manager": Manager.MUNICIPAL,
                "manager_name": f"Commune de {commune}",
                "commune": commune,
                "capacity": capacity,
                "opens_at": opens,
                "closes_at": closes,
                "street": street,
                "care_kinds": [CareKind.REGULIER, CareKind.OCCASIONNEL, CareKind.URGENCE],
                **extras,
            }
        )
    per_commune = {}
    for commune, name, kind in VIE_ET_BOULOGNE_MICRO:
        per_commune[commune] = per_commune.get(commune, 0) + 1
        rows.append(
            {
                "slug": slugify_name(f"{name} {commune}"),
                "name": name,
                "type": kind,
                "manager": Manager.PRIVE,
                "manager_name": "Petite Enfance Vendée SAS"
                if kind == EstablishmentType.MICRO_CRECHE_PAJE
                else "Les Crèches de l'Ouest",
                "commune": commune,
                "capacity": 12,
                "opens_at": T(7, 15),
                "closes_at": T(19, 0),
                "street": f"{per_commune[commune] * 5} rue des Marais",
                "care_kinds": [CareKind.REGULIER, CareKind.OCCASIONNEL],
                "offset": per_commune[commune],
            }
        )
    result = []
    for index, row in enumerate(rows):
        code_insee, postal_code, lat, lon = VIE_ET_BOULOGNE_PLACES[row["commune"]]
        # A small, deterministic offset so that two establishments of a commune do not overlap.
        shift = Decimal(index % 5 - 2) * Decimal("0.0021")
        result.append(
            {
                **row,
                "code_insee": code_insee,
                "postal_code": postal_code,
                "latitude": Decimal(lat) + shift,
                "longitude": Decimal(lon) - shift,
            }
        )
    return result


def metz_rows():
    rows = []
    for index, (name, kind, manager, capacity, opens, closes) in enumerate(METZ_ESTABLISHMENTS):
        quarter, postal_code, lat, lon = METZ_QUARTERS[index % len(METZ_QUARTERS)]
        shift = Decimal(index // len(METZ_QUARTERS)) * Decimal("0.0032")
        manager_names = {
            Manager.MUNICIPAL: "Ville de Metz",
            Manager.DSP: "Crèches et Compagnie (délégation de service public)",
            Manager.ASSOCIATIF: "Association Enfance et Familles de Moselle",
            Manager.PRIVE: "Les Petits Pas Lorrains SAS",
        }
        rows.append(
            {
                "slug": slugify_name(name),
                "name": name,
                "type": kind,
                "manager": manager,
                "manager_name": manager_names[manager],
                "commune": "Metz",
                "code_insee": "57463",
                "postal_code": postal_code,
                "capacity": capacity,
                "opens_at": opens,
                "closes_at": closes,
                "street": f"{(index * 7) % 60 + 2} {METZ_STREETS[index % len(METZ_STREETS)]}",
                "quarter": quarter,
                "latitude": Decimal(lat) + shift,
                "longitude": Decimal(lon) + shift,
                "care_kinds": (
                    [CareKind.OCCASIONNEL]
                    if kind == EstablishmentType.HALTE_GARDERIE
                    else [CareKind.REGULIER, CareKind.OCCASIONNEL]
                    + ([CareKind.URGENCE] if manager == Manager.MUNICIPAL else [])
                ),
                "atypical_hours": opens <= T(6, 30) or closes >= T(19, 30),
                "disability_friendly": index % 3 == 0,
                "avip": index in (0, 4),
            }
        )
    return rows


def paje_hourly_rate(row):
    """Micro-crèches under the PAJE set their own price (9 to 10 € an hour is common); others have none."""
    if row["type"] != EstablishmentType.MICRO_CRECHE_PAJE:
        return None
    return Decimal("9.00") + Decimal(len(row["name"]) % 5) * Decimal("0.25")


def establishment_from_row(row):
    capacity = row["capacity"]
    description = row.get("quarter") and f"Quartier {row['quarter']}." or ""
    return Establishment(
        slug=row["slug"],
        name=row["name"],
        type=row["type"],
        manager=row["manager"],
        manager_name=row["manager_name"],
        address=row["street"],
        postal_code=row["postal_code"],
        code_insee=row["code_insee"],
        commune=row["commune"],
        latitude=row["latitude"].quantize(Decimal("0.00001")),
        longitude=row["longitude"].quantize(Decimal("0.00001")),
        opening_days=WEEKDAYS,
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        capacity=capacity,
        care_kinds=row["care_kinds"],
        atypical_hours=row.get("atypical_hours", False),
        disability_friendly=row.get("disability_friendly", False),
        avip=row.get("avip", False),
        # CASF L214-7: at least one place per twenty.
        insertion_places=capacity // 20,
        phone=row.get("phone", ""),
        email=f"{row['slug'][:40]}@creches.demo",
        hourly_rate=paje_hourly_rate(row),
        description=description,
        is_active=True,
    )


ESTABLISHMENT_FIELDS = [
    "name",
    "type",
    "manager",
    "manager_name",
    "address",
    "postal_code",
    "code_insee",
    "commune",
    "latitude",
    "longitude",
    "opening_days",
    "opens_at",
    "closes_at",
    "capacity",
    "care_kinds",
    "atypical_hours",
    "disability_friendly",
    "avip",
    "insertion_places",
    "phone",
    "email",
    "hourly_rate",
    "description",
    "is_active",
]


def fee_scales_seed():
    for values in FEE_SCALES:
        FeeScale.objects.update_or_create(valid_from=values["valid_from"], defaults=values)


@transaction.atomic
def seed(collectivite):
    fee_scales_seed()
    if collectivite.slug == "vie-et-boulogne":
        rows = vie_et_boulogne_rows()
    elif collectivite.slug == "metz":
        rows = metz_rows()
    else:
        return
    for index, row in enumerate(rows):
        row["phone"] = f"0{2 if collectivite.slug != 'metz' else 3} 00 00 {10 + index:02d} {20 + index:02d}"
    establishments = Establishment.objects.bulk_create(
        [establishment_from_row(row) for row in rows],
        update_conflicts=True,
        unique_fields=["slug"],
        update_fields=ESTABLISHMENT_FIELDS,
    )
    Section.objects.bulk_create(
        [
            Section(
                establishment=establishment,
                code=code,
                name=name,
                min_age_months=low,
                max_age_months=high,
                capacity=size,
            )
            for establishment in establishments
            for code, name, low, high, size in sections_for(establishment.type, establishment.capacity)
        ],
        update_conflicts=True,
        unique_fields=["establishment", "code"],
        update_fields=["name", "min_age_months", "max_age_months", "capacity"],
    )

    director = User.objects.filter(email=f"directrice@{collectivite.slug}.demo").first()
    directed = establishments[0]
    if director is not None:
        directed.directors.add(director)

    agent = User.objects.filter(email=f"agent@{collectivite.slug}.demo").first()
    if not PlaceOpening.objects.exists():
        next_month = first_of_next_month(timezone.localdate())
        sections = list(
            Section.objects.filter(establishment__in=establishments[:6]).order_by("establishment", "min_age_months")
        )
        openings = []
        for index, section in enumerate(sections[:10]):
            month = index % 4
            available = (next_month + datetime.timedelta(days=31 * month)).replace(day=1)
            openings.append(
                PlaceOpening(
                    section=section,
                    count=1 + index % 3,
                    available_from=available,
                    note="Départs à l'école" if section.max_age_months >= 30 else "",
                    declared_by=director if section.establishment_id == directed.pk else agent,
                )
            )
        PlaceOpening.objects.bulk_create(openings)
