"""The règlements d'attribution and reserved places of the demo collectivités.

The grids follow the shape of the grids cities publish (Toulouse, Pessac, Metz: situations, quotient familial
brackets, seniority, commissions passed, sibling, refused offers); the figures and deliberation references are
fictional. Idempotent: an existing version is left as it is (adopted versions are frozen anyway).
"""

import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from commissions import sessions
from commissions.enums import DeclineReason, OfferStatus, ReservationFlag
from commissions.models import Criterion, Offer, Regulation, Reservation, Session
from commissions.services import criterion_save, regulation_adopt, regulation_create
from creches.enums import Manager
from creches.models import Establishment, PlaceOpening, Section
from portal.accounts.models import User


def situation(code, label, points, explanation):
    return (code, label, explanation, "situation", {"situation": code, "points": points})


def qf_bands(bands, missing_points=0):
    return (
        "quotient-familial",
        "Quotient familial",
        "Le quotient familial de la CAF ou de la MSA, vérifié par le guichet sur l'attestation fournie.",
        "bands",
        {
            "measure": "quotient_familial",
            "bands": [{"from": low, "points": points} for low, points in bands],
            "missing_points": missing_points,
        },
    )


def months_waiting(cap):
    return (
        "anciennete",
        "Ancienneté de la demande",
        "Compte à partir de la date de dépôt de la demande sur le guichet.",
        "per_unit",
        {"measure": "months_waiting", "points": 1, "max_points": cap},
    )


def sibling(points):
    return (
        "fratrie",
        "Frère ou sœur déjà accueilli·e",
        "Pour garder les enfants d'une même famille ensemble : compte seulement pour l'établissement concerné.",
        "establishment_bonus",
        {"reason": "sibling", "points": points},
    )


METZ_SITUATIONS = [
    situation(
        "handicap_enfant", "Enfant en situation de handicap", 10, "Sur justificatif de la MDPH ou d'un médecin."
    ),
    situation("handicap_parent", "Parent en situation de handicap", 5, "Sur justificatif de la MDPH."),
    situation("monoparentalite", "Famille monoparentale", 5, "Un seul parent élève l'enfant."),
    situation(
        "insertion",
        "Parcours d'insertion ou minima sociaux",
        6,
        "RSA, parcours d'insertion sociale ou professionnelle, sur justificatif.",
    ),
    situation(
        "suivi_social", "Accompagnement social", 4, "Famille suivie par un service social ou la PMI, sur attestation."
    ),
    situation("parent_mineur", "Parent mineur", 4, "L'un des parents a moins de 18 ans."),
    situation("naissances_multiples", "Naissances multiples", 3, "Jumeaux, triplés…"),
]

GRIDS = {
    "metz": [
        {
            "version": 1,
            "title": "Règlement d'attribution des places en multi-accueil municipal",
            "introduction": (
                "Les places des multi-accueils municipaux sont attribuées par une commission présidée par l'adjointe "
                "à la petite enfance, quatre fois par an, selon la grille de points ci-dessous."
            ),
            "adopted_on": datetime.date(2023, 9, 28),
            "deliberation": "DCM 2023-31",
            "criteria": [
                *METZ_SITUATIONS[:3],
                METZ_SITUATIONS[3],
                qf_bands([(0, 5), (600, 3), (1000, 1), (1500, 0)]),
                months_waiting(18),
                sibling(4),
            ],
        },
        {
            "version": 2,
            "title": "Règlement d'attribution des places en multi-accueil municipal",
            "introduction": (
                "Les places des multi-accueils municipaux sont attribuées par une commission présidée par l'adjointe "
                "à la petite enfance, quatre fois par an. Chaque demande reçoit des points selon la grille "
                "ci-dessous ; à points égaux, la demande la plus ancienne passe d'abord. Le règlement est revu "
                "régulièrement en conseil municipal."
            ),
            "adopted_on": datetime.date(2025, 6, 26),
            "deliberation": "DCM 2025-42",
            "criteria": [
                *METZ_SITUATIONS,
                qf_bands([(0, 6), (500, 4), (800, 3), (1200, 1), (1800, 0)]),
                months_waiting(24),
                (
                    "commissions-passees",
                    "Commissions déjà passées",
                    "Chaque commission passée sans proposition de place ajoute des points à la demande.",
                    "per_unit",
                    {"measure": "commissions_passed", "points": 2, "max_points": 6},
                ),
                sibling(5),
                (
                    "offre-refusee",
                    "Offre de place refusée",
                    "Une place correspondant à la demande (établissement demandé, jours et horaires) a été refusée.",
                    "negative",
                    {"measure": "refused_offers", "points": 5, "max_points": None, "exempt": ["moving"]},
                ),
            ],
        },
    ],
    "vie-et-boulogne": [
        {
            "version": 1,
            "title": "Règlement d'attribution des places en multi-accueil intercommunal",
            "introduction": (
                "La commission d'attribution se réunit deux fois par an, en avril pour la rentrée de septembre et "
                "à l'automne. Les propositions sont préparées de façon anonyme à partir de la grille ci-dessous."
            ),
            "adopted_on": datetime.date(2025, 3, 20),
            "deliberation": "Délibération du conseil communautaire n° 2025-18",
            "criteria": [
                situation(
                    "handicap_enfant",
                    "Enfant en situation de handicap",
                    8,
                    "Sur justificatif de la MDPH ou d'un médecin.",
                ),
                situation("monoparentalite", "Famille monoparentale", 4, "Un seul parent élève l'enfant."),
                situation(
                    "insertion", "Parcours d'insertion ou minima sociaux", 4, "RSA, parcours d'insertion, formation."
                ),
                situation(
                    "suivi_social", "Accompagnement social", 3, "Famille suivie par un service social ou la PMI."
                ),
                situation("naissances_multiples", "Naissances multiples", 2, "Jumeaux, triplés…"),
                months_waiting(12),
                (
                    "commune",
                    "Habiter la commune de l'établissement",
                    "Pour limiter les trajets : compte seulement pour les établissements de votre commune.",
                    "establishment_bonus",
                    {"reason": "residence", "points": 3},
                ),
                sibling(4),
            ],
        },
    ],
}


# The grids' English, for readers who choose it: labels by code, explanations by their French text.
LABELS_EN = {
    "handicap_enfant": "Child with a disability",
    "handicap_parent": "Parent with a disability",
    "monoparentalite": "Single-parent family",
    "insertion": "Back-to-work path or minimum social benefits",
    "suivi_social": "Social support",
    "parent_mineur": "Parent under 18",
    "naissances_multiples": "Multiple births",
    "quotient-familial": "Family quotient",
    "anciennete": "Time since the request was filed",
    "fratrie": "Brother or sister already cared for",
    "commissions-passees": "Commissions already held",
    "offre-refusee": "Place offer declined",
    "commune": "Living in the establishment's commune",
}
EXPLANATIONS_EN = {
    "Sur justificatif de la MDPH ou d'un médecin.": "On proof from the MDPH or a doctor.",
    "Sur justificatif de la MDPH.": "On proof from the MDPH.",
    "Un seul parent élève l'enfant.": "One parent alone raises the child.",
    "RSA, parcours d'insertion sociale ou professionnelle, sur justificatif.": (
        "RSA, social or professional back-to-work path, on proof."
    ),
    "RSA, parcours d'insertion, formation.": "RSA, back-to-work path, training.",
    "Famille suivie par un service social ou la PMI, sur attestation.": (
        "Family supported by a social service or the PMI, on certificate."
    ),
    "Famille suivie par un service social ou la PMI.": "Family supported by a social service or the PMI.",
    "L'un des parents a moins de 18 ans.": "One of the parents is under 18.",
    "Jumeaux, triplés…": "Twins, triplets…",
    "Le quotient familial de la CAF ou de la MSA, vérifié par le guichet sur l'attestation fournie.": (
        "The CAF or MSA family quotient, checked by the guichet on the certificate provided."
    ),
    "Compte à partir de la date de dépôt de la demande sur le guichet.": (
        "Counted from the day the request was filed on the guichet."
    ),
    "Pour garder les enfants d'une même famille ensemble : compte seulement pour l'établissement concerné.": (
        "To keep the children of one family together: counts only for that establishment."
    ),
    "Chaque commission passée sans proposition de place ajoute des points à la demande.": (
        "Each commission held without a place offer adds points to the request."
    ),
    "Une place correspondant à la demande (établissement demandé, jours et horaires) a été refusée.": (
        "A place matching the request (establishment asked for, days and hours) was declined."
    ),
    "Pour limiter les trajets : compte seulement pour les établissements de votre commune.": (
        "To keep journeys short: counts only for the establishments of your commune."
    ),
}


def criteria_in_english():
    """Fill the English of the demo criteria, also in grids seeded before it existed (adopted grids included)."""
    for criterion in Criterion.objects.filter(label_en=""):
        Criterion.objects.filter(pk=criterion.pk).update(
            label_en=LABELS_EN.get(criterion.code, ""),
            explanation_en=EXPLANATIONS_EN.get(criterion.explanation, ""),
        )


def regulation_seed(spec):
    if Regulation.objects.filter(version=spec["version"]).exists():
        return
    regulation = regulation_create(title=spec["title"], introduction=spec["introduction"])
    if regulation.version != spec["version"]:
        # Someone else's versions already hold the number: leave the collectivité's own grid alone.
        regulation.delete()
        return
    for order, (code, label, explanation, kind, parameters) in enumerate(spec["criteria"], start=1):
        criterion_save(
            regulation=regulation,
            fields={
                "code": code,
                "label": label,
                "explanation": explanation,
                "order": order * 10,
                "kind": kind,
                "parameters": parameters,
            },
        )
    regulation_adopt(regulation=regulation, adopted_on=spec["adopted_on"], deliberation=spec["deliberation"])


def reservations_seed():
    """Insertion places (CASF L214-7: one per twenty places) on the largest section of each municipal crèche."""
    establishments = Establishment.objects.active().filter(manager=Manager.MUNICIPAL).prefetch_related("sections")
    for establishment in establishments:
        count = establishment.capacity // 20
        sections = sorted(
            establishment.sections.all(), key=lambda section: (-section.capacity, section.min_age_months)
        )
        if not count or not sections:
            continue
        largest = sections[0]
        others = (
            Reservation.objects.filter(section=largest)
            .exclude(flag=ReservationFlag.INSERTION)
            .aggregate(total=Sum("count"))["total"]
            or 0
        )
        count = min(count, largest.capacity - others)
        if count > 0:
            Reservation.objects.update_or_create(
                section=largest, flag=ReservationFlag.INSERTION, defaults={"count": count}
            )


# Past sessions validated one after the other (days before today), then the coming one, not yet prepared.
SESSIONS = {
    "metz": {
        # (title, days from today, offers still awaiting an answer)
        "past": [("Commission d'automne", -45, False), ("Commission de novembre", -3, True)],
        "coming": ("Commission d'hiver", 30),
    },
    "vie-et-boulogne": {"past": [("Commission d'automne", -20, False)], "coming": None},
}


def _demo_user(slug, local_part):
    return User.objects.filter(email=f"{local_part}@{slug}.demo").first()


def _answer(offers, today, rng_step):
    """Answer a session's offers as families do: most accept, some decline (the place is re-offered)."""
    for index, offer in enumerate(offers):
        if index % rng_step == 1:
            sessions.offer_decline(
                offer=offer,
                user=None,
                reason="La famille a trouvé une assistante maternelle.",
                kind=DeclineReason.OTHER_MODE,
                on=today,
                notify=False,
            )
        elif index % rng_step != 2:
            sessions.offer_accept(offer=offer, user=None, on=today, notify=False)
        # index % rng_step == 2: no answer (expires, or still pending for the latest session)


def session_replay(collectivite, title, days, *, pending=False):
    """Create, prepare, allocate and validate a past session on its date, then its families' answers."""
    today = timezone.localdate()
    date = today + datetime.timedelta(days=days)
    slug = collectivite.slug
    chair, member, agent = (_demo_user(slug, name) for name in ("elu", "commission", "agent"))
    session = sessions.session_create(
        title=title,
        date=date,
        places_until=date + datetime.timedelta(days=75),
        chair=chair,
        members=[member] if member else [],
        user=agent,
    )
    sessions.session_attendance_record(session=session, present=[chair, member], excused=[], user=agent)
    sessions.session_prepare(session=session, user=agent)
    sessions.session_allocate(session=session)
    sessions.session_validate(session=session, user=chair, on=date, notify=False)
    offers = list(Offer.objects.filter(session=session).order_by("dossier__number"))
    _answer(offers, date + datetime.timedelta(days=3), 4)
    if pending:
        return session
    # The unanswered offers expire; the places they free are offered again, and those families accept.
    deadline = max(offer.deadline for offer in offers)
    sessions.offers_expire(today=deadline + datetime.timedelta(days=1), notify=False)
    for offer in Offer.objects.filter(session=session, status=OfferStatus.PENDING):
        sessions.offer_accept(offer=offer, user=None, on=offer.notified_on + datetime.timedelta(days=1), notify=False)
    return session


def coming_openings(available_from):
    """Places the directors declared for the coming session: one in each section of the establishments the past
    sessions allocated (departures to school, moves)."""
    sections = Section.objects.filter(
        establishment__in=PlaceOpening.objects.values("section__establishment"), establishment__is_active=True
    )
    PlaceOpening.objects.bulk_create(
        PlaceOpening(section=section, count=1, available_from=available_from, note="Départs prévus")
        for section in sections.order_by("establishment", "min_age_months")
    )


def sessions_seed(collectivite):
    plan = SESSIONS.get(collectivite.slug)
    if plan is None or Session.objects.exists():
        return
    if not _demo_user(collectivite.slug, "elu"):
        return
    for title, days, pending in plan["past"]:
        session_replay(collectivite, title, days, pending=pending)
    if plan["coming"]:
        title, days = plan["coming"]
        date = timezone.localdate() + datetime.timedelta(days=days)
        coming_openings(date + datetime.timedelta(days=35))
        sessions.session_create(
            title=title,
            date=date,
            places_until=date + datetime.timedelta(days=90),
            chair=_demo_user(collectivite.slug, "elu"),
            members=[_demo_user(collectivite.slug, "commission")],
            user=_demo_user(collectivite.slug, "agent"),
        )


@transaction.atomic
def seed(collectivite):
    grids = GRIDS.get(collectivite.slug)
    if grids is None:
        return
    for spec in grids:
        regulation_seed(spec)
    criteria_in_english()
    reservations_seed()
    sessions_seed(collectivite)
