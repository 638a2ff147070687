"""The status workflow of an appointment: who may move it where, and what follows."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.tasks import enqueue_on_commit
from portal.workflows import Actor, Move, Workflow
from rpe.booking import notifications
from rpe.booking.enums import AppointmentStatus as S
from rpe.models import Appointment, AppointmentLog, WaitingListEntry

PERSON = {Actor.FAMILY, Actor.AM}
STAFF = {Actor.STAFF}


def before_cancel_deadline(appointment, actor, user):
    """A family or an AM cancels online up to the motif's delay; the relais always may (a phone call)."""
    if actor == Actor.STAFF:
        return None
    deadline = appointment.start - datetime.timedelta(hours=appointment.motif.cancel_delay_hours)
    if timezone.now() > deadline:
        return _(
            "Ce rendez-vous ne peut plus être annulé en ligne (jusqu'à %(hours)s h avant) : appelez le relais."
        ) % {"hours": appointment.motif.cancel_delay_hours}
    return None


def has_started(appointment, actor, user):
    if appointment.start > timezone.now():
        return _("Ce rendez-vous n'a pas encore eu lieu.")
    return None


def cancelled(appointment, move, user):
    """A cancelled appointment leaves the waiting list, and people waiting on its motif may hear of its slot."""
    notifications.cancellation(appointment)
    WaitingListEntry.objects.filter(appointment=appointment).delete()
    enqueue_on_commit("rpe.booking.tasks.waiting_list_notify", appointment.motif_id)


APPOINTMENT = Workflow(
    model=Appointment,
    log_model=AppointmentLog,
    enum=S,
    noun=_("Un rendez-vous"),
    moves=[
        Move(S.BOOKED, S.CANCELLED_BY_PERSON, actors=PERSON | STAFF, guard=before_cancel_deadline),
        Move(S.BOOKED, S.CANCELLED_BY_SERVICE, actors=STAFF),
        Move(S.BOOKED, S.SEEN, actors=STAFF, guard=has_started),
        Move(S.BOOKED, S.NO_SHOW, actors=STAFF, guard=has_started),
        Move(S.BOOKED, S.EXCUSED, actors=STAFF),
        # Corrections of the day's marks.
        Move(S.SEEN, S.NO_SHOW, actors=STAFF),
        Move(S.SEEN, S.EXCUSED, actors=STAFF),
        Move(S.NO_SHOW, S.SEEN, actors=STAFF),
        Move(S.NO_SHOW, S.EXCUSED, actors=STAFF),
        Move(S.EXCUSED, S.SEEN, actors=STAFF),
        Move(S.EXCUSED, S.NO_SHOW, actors=STAFF),
    ],
    on_enter={S.CANCELLED_BY_PERSON: [cancelled], S.CANCELLED_BY_SERVICE: [cancelled]},
)
