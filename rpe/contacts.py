"""Families write to assistants maternels through the portal, and keep searches that alert them."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from rpe import notifications_search as notifications
from rpe.enums_offers import ContactStatus
from rpe.models import AssistantMaternel, ContactRequest, SavedSearch, SavedSearchAlert
from rpe.search import Criteria, search

MAX_SAVED_SEARCHES = 5


def _message(text):
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Écrivez votre message."), code="empty")
    return text


@transaction.atomic
def contact_send(*, author, am, message, start_date=None, child_age_months=None, half_days=()):
    """A family writes to a listed AM; one request at a time waits for her answer."""
    if not AssistantMaternel.objects.listed().filter(pk=am.pk).exists():
        raise ValidationError(_("Cette assistante maternelle n'est plus dans l'annuaire."), code="unlisted")
    try:
        with transaction.atomic():
            contact = ContactRequest.objects.create(
                author=author,
                am=am,
                message=_message(message),
                start_date=start_date,
                child_age_months=child_age_months,
                half_days=list(half_days),
            )
    except IntegrityError:
        raise ValidationError(
            _("Vous lui avez déjà écrit : attendez sa réponse avant de lui écrire à nouveau."), code="open"
        ) from None
    notifications.contact_sent(contact)
    return contact


@transaction.atomic
def contact_answer(*, contact, am, answer, has_place=True):
    """The AM answers from her space (only her own requests, once)."""
    locked = ContactRequest.objects.select_for_update().get(pk=contact.pk)
    if locked.am_id != am.pk:
        raise ValidationError(_("Cette demande ne vous est pas adressée."), code="not_yours")
    if locked.status != ContactStatus.SENT:
        raise ValidationError(_("Vous avez déjà répondu à cette demande."), code="answered")
    locked.answer = _message(answer)
    locked.status = ContactStatus.ANSWERED if has_place else ContactStatus.DECLINED
    locked.answered_at = timezone.now()
    locked.save(update_fields=["answer", "status", "answered_at"])
    notifications.contact_answered(locked)
    return locked


def contact_counts(queryset=None):
    """Contact requests per year, and how many were answered (the relais's activity report)."""
    queryset = ContactRequest.objects.all() if queryset is None else queryset
    rows = (
        queryset.annotate(year=ExtractYear("created_at"))
        .values("year", "status")
        .annotate(n=Count("pk"))
        .order_by("year")
    )
    counts = {}
    for row in rows:
        year = counts.setdefault(row["year"], {"year": row["year"], "sent": 0, "answered": 0})
        year["sent"] += row["n"]
        if row["status"] != ContactStatus.SENT:
            year["answered"] += row["n"]
    return list(counts.values())


def saved_search_create(*, owner, criteria, label):
    if SavedSearch.objects.filter(owner=owner).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            _("Vous avez déjà %(n)d recherches enregistrées : supprimez-en une d'abord.") % {"n": MAX_SAVED_SEARCHES}
        )
    return SavedSearch.objects.create(owner=owner, criteria=criteria.as_json(), label=label[:200])


@transaction.atomic
def saved_searches_alert(am, *, today=None):
    """An AM just declared availability: tell every family whose saved search she now matches, once per day.

    The unique row (search, AM, day) is what makes a second call — a double submit, a retried task — silent.
    """
    today = today or timezone.localdate()
    alerted = 0
    for saved in SavedSearch.objects.select_related("owner").exclude(owner__is_active=False):
        criteria = Criteria.from_json(saved.criteria)
        if not search(criteria, today=today).filter(pk=am.pk).exists():
            continue
        alert, created = SavedSearchAlert.objects.get_or_create(search=saved, am=am, declared_on=today)
        if created:
            notifications.saved_search_alert(alert)
            alerted += 1
    return alerted
