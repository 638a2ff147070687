"""Job offers (petites annonces): a parent-employer posts, the relais moderates, matching AM are told and answer.

Statuses move only through `JOB_OFFER.transition` (portal.workflows): one table, one log, a row lock.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.workflows import Actor, Move, TransitionError, Workflow
from rpe import notifications_search as notifications
from rpe.enums_offers import JobOfferStatus as S
from rpe.models import JobOffer, JobOfferAnswer, JobOfferLog, Relais
from rpe.search import Criteria, search

# An offer stays on the board this long after it is published or renewed.
OFFER_LIFETIME = datetime.timedelta(days=60)
# It may be renewed from this long before it expires (and at any time once expired).
RENEWAL_WINDOW = datetime.timedelta(days=14)


def _told_matching_am(offer, move, user):
    notifications.job_offer_published(offer, matching_am(offer))


def _told_refusal(offer, move, user):
    notifications.job_offer_refused(offer)


JOB_OFFER = Workflow(
    model=JobOffer,
    log_model=JobOfferLog,
    field="status",
    noun=gettext_lazy("Une annonce"),
    enum=S,
    moves=[
        Move(S.SUBMITTED, S.PUBLISHED, actors={Actor.STAFF}),
        Move(S.SUBMITTED, S.REFUSED, actors={Actor.STAFF}),
        Move(S.SUBMITTED, S.WITHDRAWN, actors={Actor.FAMILY}),
        Move(S.PUBLISHED, S.FILLED, actors={Actor.FAMILY, Actor.STAFF}),
        Move(S.PUBLISHED, S.WITHDRAWN, actors={Actor.FAMILY, Actor.STAFF}),
        Move(S.PUBLISHED, S.EXPIRED, actors={Actor.SYSTEM}),
        # Renewing an expired offer puts it back on the board (it was moderated already).
        Move(S.EXPIRED, S.PUBLISHED, actors={Actor.FAMILY}),
        # A refused offer, corrected, goes back to the relais.
        Move(S.REFUSED, S.SUBMITTED, actors={Actor.FAMILY}),
    ],
    on_enter={S.PUBLISHED: [_told_matching_am], S.REFUSED: [_told_refusal]},
)


def relais_for_commune(code_insee):
    return Relais.objects.filter(communes__contains=[code_insee]).order_by("pk").first()


def criteria_of(offer):
    return Criteria(
        code_insee=offer.code_insee,
        date=offer.start_date,
        age_months=offer.child_age_months,
        half_days=tuple(offer.half_days),
        disability=offer.disability,
    )


def matching_am(offer):
    """AM of the offer's commune with a place that suits it, and an account to answer from."""
    return search(criteria_of(offer)).exclude(user__isnull=True)


@transaction.atomic
def job_offer_create(*, author, code_insee, start_date, child_age_months, half_days, particular_needs="", **flags):
    relais = relais_for_commune(code_insee)
    if relais is None:
        raise ValidationError(_("Aucun relais petite enfance ne couvre cette commune."), code="no_relais")
    offer = JobOffer.objects.create(
        author=author,
        relais=relais,
        code_insee=code_insee,
        start_date=start_date,
        child_age_months=child_age_months,
        half_days=list(half_days),
        particular_needs=particular_needs,
        atypical_hours=flags.get("atypical_hours", False),
        disability=flags.get("disability", False),
    )
    JobOfferLog.objects.create(subject=offer, from_status="", to_status=S.SUBMITTED, actor=Actor.FAMILY, user=author)
    notifications.job_offer_submitted(offer)
    return offer


def job_offer_moderate(*, offer, user, publish, reason="", today=None):
    """The relais publishes the offer, or refuses it with a reason the family reads."""
    today = today or timezone.localdate()
    if publish:
        return JOB_OFFER.transition(
            offer,
            S.PUBLISHED,
            actor=Actor.STAFF,
            user=user,
            changes={"published_on": today, "expires_on": today + OFFER_LIFETIME, "refusal_reason": ""},
        )
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError(_("Indiquez le motif du refus : la famille le lira."))
    return JOB_OFFER.transition(
        offer, S.REFUSED, actor=Actor.STAFF, user=user, note=reason, changes={"refusal_reason": reason}
    )


def job_offer_renew(*, offer, user, today=None):
    """Another lifetime from today: a published offer near its end, or an expired one (back on the board)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = JobOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.status == S.EXPIRED:
            return JOB_OFFER.transition(
                offer,
                S.PUBLISHED,
                actor=Actor.FAMILY,
                user=user,
                note=_("renouvelée"),
                changes={"expires_on": today + OFFER_LIFETIME, "renewals": locked.renewals + 1},
            )
        if locked.status != S.PUBLISHED or locked.expires_on - today > RENEWAL_WINDOW:
            raise TransitionError(
                _("Cette annonce pourra être renouvelée à partir du %(date)s.")
                % {"date": (locked.expires_on - RENEWAL_WINDOW).strftime("%d/%m/%Y")}
                if locked.status == S.PUBLISHED
                else _("Seule une annonce publiée ou expirée peut être renouvelée.")
            )
        locked.expires_on, locked.renewals = today + OFFER_LIFETIME, locked.renewals + 1
        locked.save(update_fields=["expires_on", "renewals", "updated_at"])
        offer.expires_on, offer.renewals = locked.expires_on, locked.renewals
        return JobOfferLog.objects.create(
            subject=locked,
            from_status=S.PUBLISHED,
            to_status=S.PUBLISHED,
            actor=Actor.FAMILY,
            user=user,
            note=_("renouvelée"),
        )


def job_offers_expire(today=None):
    """Published offers past their date leave the board (the daily task)."""
    today = today or timezone.localdate()
    expired = 0
    for offer in JobOffer.objects.filter(status=S.PUBLISHED, expires_on__lt=today):
        try:
            JOB_OFFER.transition(offer, S.EXPIRED, actor=Actor.SYSTEM)
            expired += 1
        except TransitionError:
            continue  # changed meanwhile (filled or withdrawn): nothing to expire
    return expired


def job_offer_answer(*, offer, am, message, today=None):
    """An AM answers a published offer once; the family is told."""
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Écrivez un message à la famille."), code="empty")
    with transaction.atomic():
        locked = JobOffer.objects.select_for_update().get(pk=offer.pk)
        if locked.status != S.PUBLISHED or locked.expires_on < (today or timezone.localdate()):
            raise ValidationError(_("Cette annonce n'est plus publiée."), code="closed")
        try:
            with transaction.atomic():
                answer = JobOfferAnswer.objects.create(offer=locked, am=am, message=message)
        except IntegrityError:
            raise ValidationError(_("Vous avez déjà répondu à cette annonce."), code="duplicate") from None
        notifications.job_offer_answered(answer)
    return answer


def yearly_counts(queryset=None):
    """Offers posted and published per year (the relais's activity report)."""
    queryset = JobOffer.objects.all() if queryset is None else queryset
    posted = dict(
        queryset.annotate(year=ExtractYear("created_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    published = dict(
        JobOfferLog.objects.filter(subject__in=queryset, to_status=S.PUBLISHED, from_status=S.SUBMITTED)
        .annotate(year=ExtractYear("created_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .values_list("year", "n")
    )
    return [
        {"year": year, "posted": posted.get(year, 0), "published": published.get(year, 0)}
        for year in sorted(set(posted) | set(published))
    ]
