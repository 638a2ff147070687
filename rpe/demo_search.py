"""Demo data of the search side of the relais: job offers at every stage, contact requests, saved searches, and
the follow-up of the families a past commission left without a place (with outcomes, for the figure).

Calibrated on seed 001 (Vie et Boulogne: 185 job offers and 364 parent-employer contacts a year): a few months'
worth, enough for every page to show something. Idempotent: nothing is added when the demo offers exist.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from families.models import Family
from portal.accounts.models import User
from portal.enums import Actor
from rpe import contacts, followup, offers
from rpe.enums import WEEKDAY_HALF_DAYS
from rpe.enums_offers import FollowUpContactKind, FollowUpOutcome, JobOfferStatus
from rpe.models import AssistantMaternel, ContactRequest, FollowUp, FollowUpContact, JobOffer, JobOfferLog, Relais
from rpe.search import Criteria, search

OFFERS = 40
CONTACTS = 60
# Outcomes of the followed families, in that proportion (a third find an AM within weeks…).
OUTCOMES = [
    (FollowUpOutcome.AM_FOUND, 5),
    (FollowUpOutcome.CRECHE_LATER, 1),
    (FollowUpOutcome.OTHER_SOLUTION, 1),
    (FollowUpOutcome.GAVE_UP, 1),
    (FollowUpOutcome.STILL_SEARCHING, 4),
]


def _half_days(rng):
    days = rng.sample(["mon", "tue", "wed", "thu", "fri"], rng.randint(2, 5))
    return [f"{day}_{part}" for day in days for part in ("am", "pm") if f"{day}_{part}" in WEEKDAY_HALF_DAYS]


def _backdate(offer, created):
    JobOffer.objects.filter(pk=offer.pk).update(created_at=created)
    JobOfferLog.objects.filter(subject=offer).update(created_at=created)


@transaction.atomic
def job_offers_seed(collectivite, rng, today):
    if JobOffer.objects.exists() or not Relais.objects.exists():
        return
    staff = User.objects.filter(email=f"animatrice@{collectivite.slug}.demo").first()
    parents = list(Family.objects.select_related("account").order_by("pk")[:OFFERS])
    covered = {code for relais in Relais.objects.all() for code in relais.communes}
    for index, family in enumerate(parents):
        code = family.code_insee if family.code_insee in covered else sorted(covered)[index % len(covered)]
        offer = offers.job_offer_create(
            author=family.account,
            code_insee=code,
            start_date=today + datetime.timedelta(days=rng.randint(20, 200)),
            child_age_months=rng.randint(3, 30),
            half_days=_half_days(rng),
            particular_needs=rng.choice(["", "", "Horaires décalés le mercredi.", "Allergie alimentaire."]),
            atypical_hours=index % 9 == 0,
        )
        stage = index % 8
        if stage == 0:
            continue  # waiting for the relais
        if stage == 1:
            offers.job_offer_moderate(
                offer=offer, user=staff, publish=False, reason="Numéro de téléphone dans le texte."
            )
        else:
            published_on = today - datetime.timedelta(days=rng.randint(1, 100))
            offers.job_offer_moderate(offer=offer, user=staff, publish=True, today=published_on)
            if offer.expires_on < today:
                offers.JOB_OFFER.transition(offer, JobOfferStatus.EXPIRED, actor=Actor.SYSTEM)
            elif stage == 7:
                offers.JOB_OFFER.transition(offer, JobOfferStatus.FILLED, actor=Actor.FAMILY, user=family.account)
        _backdate(offer, timezone.now() - datetime.timedelta(days=rng.randint(1, 120)))


@transaction.atomic
def contacts_seed(collectivite, rng):
    if ContactRequest.objects.exists():
        return
    ams = list(AssistantMaternel.objects.listed().exclude(user__isnull=True)[:20]) or list(
        AssistantMaternel.objects.listed()[:20]
    )
    families = list(Family.objects.select_related("account").order_by("-pk")[:CONTACTS])
    for index, family in enumerate(families):
        if not ams:
            return
        am = ams[index % len(ams)]
        contact = contacts.contact_send(
            author=family.account,
            am=am,
            message="Bonjour, nous cherchons un accueil pour notre enfant à la rentrée. Avez-vous une place ?",
        )
        if index % 3:
            contacts.contact_answer(
                contact=contact, am=am, answer="Bonjour, oui, appelez-moi pour en parler.", has_place=index % 3 == 1
            )


@transaction.atomic
def followup_seed(collectivite):
    """Outcomes for the families the past sessions left without a place (once: contacts are the marker)."""
    if FollowUpContact.objects.exists():
        return
    rng = random.Random(f"followup-{collectivite.slug}")  # noqa: S311 - reproducible demo data
    staff = User.objects.filter(email=f"animatrice@{collectivite.slug}.demo").first()
    today = timezone.localdate()
    weights = [weight for _outcome, weight in OUTCOMES]
    for item in FollowUp.objects.select_related("session").order_by("pk"):
        outcome = rng.choices([outcome for outcome, _w in OUTCOMES], weights)[0]
        proposed = search(followup.criteria_of(item)).first() or search(Criteria(code_insee=item.code_insee)).first()
        days = max(1, min(rng.randint(5, 80), (today - item.session.date).days))
        on = item.session.date + datetime.timedelta(days=days)
        if proposed is not None:
            followup.followup_record(
                followup=item,
                user=staff,
                kind=FollowUpContactKind.PROPOSAL,
                am=proposed,
                outcome=FollowUpOutcome.STILL_SEARCHING,
                note="Place déclarée près de chez vous.",
                on=item.session.date + datetime.timedelta(days=min(3, days)),
            )
        if outcome != FollowUpOutcome.STILL_SEARCHING and on <= today:
            followup.followup_record(followup=item, user=staff, kind=FollowUpContactKind.CALL, outcome=outcome, on=on)


def seed(collectivite):
    """Job offers and contact requests (after the directory; the follow-up comes after the commissions)."""
    rng = random.Random(f"offers-{collectivite.slug}")  # noqa: S311 - reproducible demo data
    today = timezone.localdate()
    job_offers_seed(collectivite, rng, today)
    contacts_seed(collectivite, rng)
