"""Writes of the commissions app (règlement, criteria, reserved places) and the facts a score is computed from."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from commissions import scoring
from commissions.enums import CriterionKind, DeclineReason, NegativeMeasure, OfferStatus, RegulationStatus
from commissions.models import Criterion, Regulation, Reservation
from commissions.workflows import REGULATION
from families.enums import ApplicationStatus
from families.models import Family, StatusChange
from portal.dates import months_between
from portal.workflows import Actor

CRITERION_FIELDS = ("code", "label", "label_en", "explanation", "explanation_en", "order", "kind", "parameters")


class RegulationFrozen(ValidationError):
    """An adopted version, or one of its criteria, was about to change."""

    def __init__(self, regulation):
        super().__init__(
            _(
                "La version %(version)s du règlement est adoptée : elle ne se modifie plus. Pour changer les "
                "règles, créez une nouvelle version à partir de celle-ci."
            )
            % {"version": regulation.version},
            code="frozen",
        )


def ensure_editable(regulation):
    """Refuse any change to an adopted version; read the status from the database, not from a stale object."""
    status = Regulation.objects.filter(pk=regulation.pk).values_list("status", flat=True).first()
    if status == RegulationStatus.ADOPTED:
        raise RegulationFrozen(regulation)


# --- Règlement ----------------------------------------------------------------------------------------------------


@transaction.atomic
def regulation_create(*, title, created_by=None, copy_from=None, introduction=""):
    """A new draft version, empty or with the criteria of `copy_from` (usually the version in force)."""
    # Lock the table's last row so that two administrators cannot take the same version number.
    last = Regulation.objects.select_for_update().order_by("-version").first()
    version = (last.version if last else 0) + 1
    if copy_from is not None and not introduction:
        introduction = copy_from.introduction
    regulation = Regulation.objects.create(
        version=version, title=title, introduction=introduction, created_by=created_by, copied_from=copy_from
    )
    if copy_from is not None:
        Criterion.objects.bulk_create(
            Criterion(regulation=regulation, **{name: getattr(criterion, name) for name in CRITERION_FIELDS})
            for criterion in copy_from.criteria.all()
        )
    return regulation


@transaction.atomic
def regulation_update(*, regulation, title, introduction=""):
    ensure_editable(regulation)
    regulation.title, regulation.introduction = title, introduction
    regulation.full_clean()
    regulation.save(update_fields=["title", "introduction"])
    return regulation


@transaction.atomic
def regulation_delete(*, regulation):
    """Only a draft can be thrown away; an adopted version is part of the public history."""
    ensure_editable(regulation)
    regulation.delete()


@transaction.atomic
def regulation_adopt(*, regulation, adopted_on, deliberation, adopted_by=None):
    """Record the assembly's vote: the version is frozen from now on (commissions.workflows.REGULATION)."""
    regulation = Regulation.objects.select_for_update().get(pk=regulation.pk)
    ensure_editable(regulation)
    if not deliberation.strip():
        raise ValidationError(_("Indiquez la référence de la délibération."), code="deliberation")
    latest = Regulation.objects.adopted().aggregate(latest=Max("adopted_on"))["latest"]
    if latest is not None and adopted_on < latest:
        # Otherwise the new version would never be in force, silently.
        raise ValidationError(
            _("La date d'adoption ne peut pas précéder celle de la dernière version adoptée (%(date)s).")
            % {"date": latest.strftime("%d/%m/%Y")},
            code="date",
        )
    REGULATION.transition(
        regulation,
        RegulationStatus.ADOPTED,
        actor=Actor.STAFF,
        user=adopted_by,
        note=deliberation.strip(),
        changes={
            "adopted_on": adopted_on,
            "deliberation": deliberation.strip(),
            "adopted_by": adopted_by,
            "adopted_at": timezone.now(),
        },
    )
    return regulation


# --- Criteria -----------------------------------------------------------------------------------------------------


@transaction.atomic
def criterion_save(*, regulation, fields, criterion=None):
    """Add a criterion to a draft, or change one of its criteria. `fields` are the model's editable fields."""
    ensure_editable(regulation)
    if criterion is None:
        criterion = Criterion(regulation=regulation)
    elif criterion.regulation_id != regulation.pk:
        raise ValidationError(_("Ce critère n'appartient pas à cette version du règlement."))
    for name, value in fields.items():
        if name not in CRITERION_FIELDS:
            raise ValueError(name)
        setattr(criterion, name, value)
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_delete(*, criterion):
    ensure_editable(criterion.regulation)
    criterion.delete()


# --- Reserved places ----------------------------------------------------------------------------------------------


@transaction.atomic
def reservation_save(*, section, flag, count, updated_by=None, reservation=None):
    """Set the places of `section` reserved for `flag`. Checked against the section's capacity."""
    if reservation is None:
        reservation = Reservation(section=section, flag=flag)
    reservation.section, reservation.flag, reservation.count = section, flag, count
    reservation.updated_by = updated_by
    # Serialise writers of one section so that two reservations cannot together exceed its capacity.
    type(section).objects.select_for_update().filter(pk=section.pk).first()
    reservation.full_clean()
    reservation.save()
    return reservation


@transaction.atomic
def reservation_delete(*, reservation):
    reservation.delete()


# --- Facts and score ----------------------------------------------------------------------------------------------


def months_waiting(application, on):
    if application.submitted_at is None:
        return 0
    submitted = timezone.localtime(application.submitted_at).date()
    return max(0, months_between(submitted, on))


def facts_for(application, on=None, *, sibling_establishments=None):
    """What the grid looks at in `application` on the day `on` (today by default), read from the database.

    - situations: those the family declared, plus `handicap_enfant` when the child receives the AEEH;
    - months waiting: whole months from the deposit to `on`;
    - commissions passed: the times the request left a commission without a proposal, and refused offers:
      the times the family declined a proposed place, both from the request's history up to `on`;
    - sibling establishments: where a brother or sister is already cared for. No record of placements exists
      yet (it comes with commission sessions and offers), so the caller passes them; empty by default.
    """
    on = on or timezone.localdate()
    family = application.family
    situations = set(family.situations.values_list("code", flat=True))
    if application.child.aeeh:
        situations.add("handicap_enfant")
    history = StatusChange.objects.filter(subject=application, created_at__date__lte=on)
    commissions_passed = history.filter(
        from_status=ApplicationStatus.EN_COMMISSION,
        to_status__in=[ApplicationStatus.LISTE_ATTENTE, ApplicationStatus.COMPLETE],
    ).count()
    refused_offers = history.filter(
        from_status=ApplicationStatus.PROPOSITION, to_status=ApplicationStatus.REFUSEE
    ).count()
    reasons = refusal_reasons([application.pk], on).get(application.pk, ())
    establishments = tuple(
        scoring.WishedEstablishment(
            id=wish.establishment.pk,
            name=wish.establishment.name,
            commune=wish.establishment.commune,
            code_insee=wish.establishment.code_insee,
        )
        for wish in application.wishes.select_related("establishment").order_by("rank")
    )
    return scoring.Facts(
        situations=frozenset(situations),
        quotient_familial=family.quotient_familial,
        months_waiting=months_waiting(application, on),
        commissions_passed=commissions_passed,
        refused_offers=refused_offers,
        refusal_reasons=reasons,
        sibling_establishments=frozenset(sibling_establishments or ()),
        residence=family.code_insee,
        establishments=establishments,
    )


def refusal_reasons(application_ids, on):
    """{application id: (reason, …)} of the offers refused (or left to expire) up to `on`, whose reason is known."""
    from commissions.models import Offer

    reasons = {}
    rows = (
        Offer.objects.filter(
            application__in=application_ids,
            status__in=[OfferStatus.DECLINED, OfferStatus.EXPIRED],
            responded_at__date__lte=on,
        )
        .exclude(decline_kind="")
        .order_by("responded_at", "pk")
        .values_list("application", "decline_kind")
    )
    for application_id, reason in rows:
        reasons[application_id] = (*reasons.get(application_id, ()), reason)
    return reasons


def facts_for_many(applications, on):
    """facts_for of every application, read in four queries whatever their number (session preparation).

    `applications` come with their family and child, and `wished_establishments` (scoring.WishedEstablishment,
    in the family's order) set by the caller.
    """
    ids = [application.pk for application in applications]
    situations = {}
    Through = Family.situations.through
    for family_id, code in Through.objects.filter(
        family__in={application.family_id for application in applications}
    ).values_list("family_id", "situation__code"):
        situations.setdefault(family_id, set()).add(code)
    history = (
        StatusChange.objects.filter(subject__in=ids, created_at__date__lte=on)
        .values("subject")
        .annotate(
            passed=Count(
                "pk",
                filter=Q(
                    from_status=ApplicationStatus.EN_COMMISSION,
                    to_status__in=[ApplicationStatus.LISTE_ATTENTE, ApplicationStatus.COMPLETE],
                ),
            ),
            refused=Count(
                "pk", filter=Q(from_status=ApplicationStatus.PROPOSITION, to_status=ApplicationStatus.REFUSEE)
            ),
        )
    )
    counts = {row["subject"]: (row["passed"], row["refused"]) for row in history}
    reasons = refusal_reasons(ids, on)
    facts = {}
    for application in applications:
        own = set(situations.get(application.family_id, ()))
        if application.child.aeeh:
            own.add("handicap_enfant")
        passed, refused = counts.get(application.pk, (0, 0))
        facts[application.pk] = scoring.Facts(
            situations=frozenset(own),
            quotient_familial=application.family.quotient_familial,
            months_waiting=months_waiting(application, on),
            commissions_passed=passed,
            refused_offers=refused,
            refusal_reasons=reasons.get(application.pk, ()),
            sibling_establishments=frozenset(),
            residence=application.family.code_insee,
            establishments=application.wished_establishments,
        )
    return facts


def refusal_penalty(on=None):
    """What the grid in force says a refusal costs: {"points", "max_points", "exempt": [labels]}, or None."""
    regulation = Regulation.objects.in_force(on or timezone.localdate())
    if regulation is None:
        return None
    for criterion in regulation.criteria.filter(kind=CriterionKind.NEGATIVE):
        if criterion.parameters.get("measure") == NegativeMeasure.REFUSED_OFFERS:
            return {
                "label": criterion.label,
                "points": criterion.parameters["points"],
                "max_points": criterion.parameters.get("max_points"),
                "exempt": [DeclineReason(reason).label for reason in criterion.parameters.get("exempt", [])],
            }
    return None


def application_score(application, on=None, regulation=None):
    """(the version applied, its score of `application` on `on`), or (None, None) when no grid is in force."""
    on = on or timezone.localdate()
    regulation = regulation or Regulation.objects.in_force(on)
    if regulation is None:
        return None, None
    return regulation, scoring.score(facts_for(application, on), regulation.rules())
