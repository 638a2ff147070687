"""Statuses of a request sent to the relais (portal.workflows)."""

from django.utils.translation import gettext_lazy as _

from portal.enums import Actor
from portal.workflows import Move, Workflow
from rpe.inbox.enums import RequestStatus as S
from rpe.models.inbox import InboxRequest, InboxRequestLog

STAFF = {Actor.STAFF}

INBOX_REQUEST = Workflow(
    model=InboxRequest,
    log_model=InboxRequestLog,
    enum=S,
    noun=_("Une demande"),
    moves=[
        Move(S.NEW, S.IN_PROGRESS, actors=STAFF),
        # Replying from the portal answers it (services.request_reply).
        Move(S.NEW, S.ANSWERED, actors=STAFF),
        Move(S.IN_PROGRESS, S.ANSWERED, actors=STAFF),
        # Answered by phone, a duplicate, spam: closed without a reply from the portal.
        Move(S.NEW, S.CLOSED, actors=STAFF),
        Move(S.IN_PROGRESS, S.CLOSED, actors=STAFF),
        Move(S.ANSWERED, S.CLOSED, actors=STAFF),
        # The person writes back, or the relais reopens it.
        Move(S.ANSWERED, S.IN_PROGRESS, actors=STAFF),
        Move(S.CLOSED, S.IN_PROGRESS, actors=STAFF),
        Move(S.CLOSED, S.ANSWERED, actors=STAFF),
    ],
)
