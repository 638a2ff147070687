"""Every write about the relais' inbox and contact log."""

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import mail
from portal.enums import Actor
from portal.notifications import notify
from rpe.inbox.enums import RequestStatus
from rpe.inbox.workflow import INBOX_REQUEST
from rpe.models.inbox import ContactLog, InboxReply, InboxRequest


class InboxError(Exception):
    """A change the rules refuse (French message)."""


@transaction.atomic
def request_create(*, relais, person, theme, message, name, email, phone="", user=None, assistant=None, family=None):
    """A request sent from the portal lands in the relais' inbox; the sender gets an acknowledgement."""
    request = InboxRequest.objects.create(
        relais=relais,
        person=person,
        theme=theme,
        message=message,
        name=name,
        email=email,
        phone=phone,
        user=user,
        assistant=assistant,
        family=family,
    )
    notify(
        "rpe/email/inbox_received",
        to=[email],
        context={"request": request, "relais": relais, "collectivite": getattr(connection, "tenant", None)},
        about=request,
        version="received",
    )
    return request


@transaction.atomic
def request_assign(request, *, assignee, user):
    """Give a request to an animatrice of its relais (or to nobody); a new one becomes "en cours"."""
    InboxRequest.objects.select_for_update().filter(pk=request.pk).update(assigned_to=assignee)
    request.assigned_to = assignee
    if assignee is not None and request.status == RequestStatus.NEW:
        INBOX_REQUEST.transition(
            request,
            RequestStatus.IN_PROGRESS,
            actor=Actor.STAFF,
            user=user,
            note=_("Confiée à %(name)s.") % {"name": assignee.get_full_name() or assignee.email},
        )
    return request


def request_reply(request, *, body, user, close=False):
    """Answer by email from the portal (through the outbox): the request becomes "répondue" (or "close")."""
    body = (body or "").strip()
    if not body:
        raise InboxError(_("Écrivez une réponse avant de l'envoyer."))
    with transaction.atomic():
        target = RequestStatus.CLOSED if close else RequestStatus.ANSWERED
        if request.status != target:
            INBOX_REQUEST.transition(
                request, target, actor=Actor.STAFF, user=user, changes={"answered_at": timezone.now()}
            )
        reply = InboxReply.objects.create(request=request, author=user, body=body)
        notify(
            "rpe/email/inbox_reply",
            to=[request.email],
            context={
                "request": request,
                "reply": reply,
                "relais": request.relais,
                "collectivite": getattr(connection, "tenant", None),
                "author": user.get_full_name(),
                "contact_url": mail.absolute_url(reverse("rpe:inbox_new")),
            },
            about=reply,
            version="",
            # Answers to the reply go to the relais itself when it has an address.
            reply_to=[request.relais.email] if request.relais.email else None,
        )
    return reply


def contact_log(*, relais, person, theme, logged_by, channel, outcome, note="", occurred_at=None, **links):
    """Log a call, a visit or an email (links: request, assistant, family when known)."""
    return ContactLog.objects.create(
        relais=relais,
        person=person,
        theme=theme,
        channel=channel,
        outcome=outcome,
        note=note,
        occurred_at=occurred_at or timezone.now(),
        logged_by=logged_by,
        **links,
    )
