"""One mechanism for every status workflow: a declarative table of moves, one transition function, one log.

A workflow says which moves exist (from, to), who may make each (the actors) and, when a move depends on more
than the two statuses, a guard that returns a French message to refuse it. `Workflow.transition` locks the row,
refuses a move outside the table, a guard's refusal or a row whose status changed since the caller read it, then
saves the new status, writes exactly one log row and runs the target's `on_enter` callbacks (which queue their
messages through `portal.notifications.notify`), all in one transaction: a refusal leaves nothing behind.

    APPOINTMENT = Workflow(
        model=Appointment, log_model=AppointmentLog, field="status", noun=_("Un rendez-vous"),
        enum=AppointmentStatus,
        moves=[Move(S.BOOKED, S.CANCELLED, actors={Actor.FAMILY, Actor.AM}, guard=before_deadline), ...],
        on_enter={S.CANCELLED: [notify_cancellation]},
    )
    APPOINTMENT.transition(appointment, S.CANCELLED, actor=Actor.FAMILY, user=request.user, note="…")

A note is a person's words (text, shown as typed) or a system message (`portal.i18n.deferred(...)`, shown in
the reader's language: read it as `log.note_text`).

A guard is `guard(obj, actor, user)` and returns None (allowed) or a message; an `on_enter` callback is
`callback(obj, move, user)`; during the callbacks `obj.transition_log` is the log row just written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.enums import Actor
from portal.i18n import Deferred, render

# Sent by `transition_many`, which moves its objects with one UPDATE (no `post_save`): `sender` is the model,
# `objs` the objects moved. What is kept about them elsewhere (a family's rendered dashboard) listens.
moved_many = Signal()

__all__ = ["Actor", "Move", "TransitionError", "TransitionLog", "Workflow"]


class TransitionError(ValidationError):
    """A move the workflow refuses (outside the table, not for this actor, refused by a guard, or stale).

    A ValidationError, so that views and APIs answer it as any refused input (a 4xx with its French message).
    """

    def __init__(self, message):
        super().__init__(message, code="transition")

    def __str__(self):
        return str(self.message)


@dataclass(frozen=True)
class Move:
    """One allowed move: from `source` to `target`, by any of `actors`, when `guard` returns no message."""

    source: str
    target: str
    actors: frozenset = field(default_factory=frozenset)
    guard: Callable | None = None

    def __post_init__(self):
        object.__setattr__(self, "actors", frozenset(self.actors))


class TransitionLog(models.Model):
    """The history of one workflow: subclass it with a ForeignKey named `subject` (related_name of your choice)."""

    from_status = models.CharField(_("ancien statut"), max_length=30)
    to_status = models.CharField(_("nouveau statut"), max_length=30)
    actor = models.CharField(_("auteur"), max_length=10, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    # A note the system wrote (portal.i18n.Deferred): rendered in the reader's language; `note` keeps its French.
    note_message = models.JSONField(_("message du système"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.subject_id}: {self.from_status} → {self.to_status}"

    @property
    def note_text(self):
        """The note as the reader reads it: a system message in their language, a person's words as typed."""
        return render(self.note_message) if self.note_message else self.note

    @staticmethod
    def note_fields(note):
        """{"note": …, "note_message": …} for a note given as text (a person's words) or as a system message."""
        if isinstance(note, Deferred):
            return {"note": note.french(), "note_message": note.as_json()}
        return {"note": note, "note_message": None}


class Workflow:
    """One status workflow: `model`'s `field` takes the values of `enum`; `moves` is the whole table; `log_model`
    (a TransitionLog) gets one row per move; `noun` ("Une demande") starts the French refusals."""

    def __init__(self, *, model, log_model, enum, noun, moves, field="status", on_enter=None):
        self.model = model
        self.log_model = log_model
        self.enum = enum
        self.noun = noun
        self.field = field
        self.moves = {}
        for move in moves:
            if move.source not in enum.values or move.target not in enum.values:
                raise ValueError(f"{model.__name__}: unknown status in {move}")
            if (move.source, move.target) in self.moves:
                raise ValueError(f"{model.__name__}: the move {move.source} → {move.target} is declared twice")
            self.moves[(move.source, move.target)] = move
        self.on_enter = {status: list(callbacks) for status, callbacks in (on_enter or {}).items()}

    # --- reading the table --------------------------------------------------------------------------------------

    def label(self, status):
        return str(self.enum(status).label) if status in self.enum.values else str(status)

    def move(self, source, target):
        return self.moves.get((source, target))

    def actors(self, source, target):
        """Who may make this move according to the table (an empty set for a move outside it)."""
        move = self.move(source, target)
        return set(move.actors) if move else set()

    def check(self, source, target, actor):
        """Raise TransitionError unless the table lets `actor` move from `source` to `target` (guards aside)."""
        self.checked_move(source, target, actor)

    def checked_move(self, source, target, actor):
        """The Move from `source` to `target` for `actor`, or TransitionError in French."""
        move = self.move(source, target)
        if move is None:
            raise TransitionError(
                _("%(noun)s « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"noun": self.noun, "from": self.label(source), "to": self.label(target)}
            )
        if actor not in move.actors:
            raise TransitionError(
                _("Ce passage de « %(from)s » à « %(to)s » n'est pas permis (%(actor)s).")
                % {"from": self.label(source), "to": self.label(target), "actor": Actor(actor).label}
            )
        return move

    def refusal(self, obj, target, actor, user=None):
        """The French message refusing this move of `obj` (table and guard), or None when it is allowed."""
        try:
            move = self.checked_move(getattr(obj, self.field), target, actor)
        except TransitionError as error:
            return str(error)
        return move.guard(obj, actor, user) if move.guard else None

    def allowed(self, obj_or_status, target, actor, user=None):
        """True when the move is allowed: by the table for a status, by the table and the guard for an object."""
        if isinstance(obj_or_status, self.model):
            return self.refusal(obj_or_status, target, actor, user) is None
        move = self.move(obj_or_status, target)
        return move is not None and actor in move.actors

    def targets(self, obj_or_status, actor, user=None):
        """The statuses `actor` may move this object (guards included) or this status (table only) to."""
        source = getattr(obj_or_status, self.field) if isinstance(obj_or_status, self.model) else obj_or_status
        return [
            move.target
            for (frm, _to), move in self.moves.items()
            if frm == source and self.allowed(obj_or_status, move.target, actor, user)
        ]

    def stale(self, read, current):
        return TransitionError(
            _(
                "%(noun)s « %(read)s » a changé entre-temps (statut actuel : « %(current)s ») : "
                "rechargez la page et recommencez."
            )
            % {"noun": self.noun, "read": self.label(read), "current": self.label(current)}
        )

    # --- moving -------------------------------------------------------------------------------------------------

    def transition(self, obj, to, *, actor, user=None, note="", changes=None):
        """Move `obj` to `to` as `actor`; returns the log row. Raises TransitionError and changes nothing when refused.

        `obj` carries the status the caller read: if the stored row has moved since, the move is refused.
        `changes` are other fields set in the same save ({"field": value}). `obj` is updated in place.
        """
        with transaction.atomic():
            locked = self.model._base_manager.select_for_update().get(pk=obj.pk)
            read, current = getattr(obj, self.field), getattr(locked, self.field)
            # The table first (its message names the stored status), then a status read before another move.
            move = self.checked_move(current, to, actor)
            if current != read:
                raise self.stale(read, current)
            if move.guard is not None:
                message = move.guard(locked, actor, user)
                if message:
                    raise TransitionError(message)
            for name, value in (changes or {}).items():
                setattr(locked, name, value)
            setattr(locked, self.field, to)
            locked.save()
            log = self.log_model.objects.create(
                subject=locked,
                from_status=current,
                to_status=to,
                actor=actor,
                user=user,
                **self.log_model.note_fields(note),
            )
            # The caller's instance follows what was saved: the status, the changes and the auto_now stamps.
            for model_field in locked._meta.concrete_fields:
                if model_field.name in {self.field, *(changes or ())} or getattr(model_field, "auto_now", False):
                    setattr(obj, model_field.attname, getattr(locked, model_field.attname))
            obj.transition_log = locked.transition_log = log
            for callback in self.on_enter.get(to, ()):
                callback(locked, move, user)
        return log

    def transition_many(self, objs, to, *, actor, user=None, note="", changes=None):
        """`transition` for many objects at once (a commission moving hundreds of requests): the same locks,
        checks, log rows and callbacks in a few statements (`changes` are the same for all). All move or none."""
        objs = list(objs)
        if not objs:
            return []
        with transaction.atomic():
            stored = dict(
                self.model._base_manager.select_for_update()
                .filter(pk__in=[obj.pk for obj in objs])
                .order_by("pk")
                .values_list("pk", self.field)
            )
            moves = []
            for obj in objs:
                read = getattr(obj, self.field)
                move = self.checked_move(stored.get(obj.pk), to, actor)
                if stored.get(obj.pk) != read:
                    raise self.stale(read, stored.get(obj.pk))
                if move.guard is not None and (message := move.guard(obj, actor, user)):
                    raise TransitionError(message)
                moves.append(move)
            logs = self.log_model.objects.bulk_create(
                self.log_model(
                    subject=obj,
                    from_status=getattr(obj, self.field),
                    to_status=to,
                    actor=actor,
                    user=user,
                    **self.log_model.note_fields(note),
                )
                for obj in objs
            )
            values = {
                **{
                    model_field.name: timezone.now()
                    for model_field in self.model._meta.concrete_fields
                    if getattr(model_field, "auto_now", False)
                },
                **(changes or {}),
                self.field: to,
            }
            self.model._base_manager.filter(pk__in=[obj.pk for obj in objs]).update(**values)
            for obj, move, log in zip(objs, moves, logs, strict=True):
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.transition_log = log
                for callback in self.on_enter.get(to, ()):
                    callback(obj, move, user)
            moved_many.send(sender=self.model, objs=objs)
        return logs
