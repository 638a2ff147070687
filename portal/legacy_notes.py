"""Notes the system wrote as text before it stored them as messages (portal.i18n.Deferred): recognised here so
the data migrations of the apps with histories give old rows their message, and old history reads right in
either language. Only the texts the code wrote are matched; a person's words never are."""

import datetime
import re

from django.utils import translation
from django.utils.translation import gettext_noop

PLAIN = [
    gettext_noop("Demande non renouvelée dans le délai."),
    gettext_noop("Demande reprise par la famille pour une nouvelle période."),
    gettext_noop("pas de réponse dans le délai"),
]
# The reason the deadline wrote on expired offers before it became DeclineReason.EXPIRED.
EXPIRED_TEXT = "délai dépassé"

RENEWED = gettext_noop("Renouvellement confirmé jusqu'au %(date)s.")
CHANGED = gettext_noop("Modification : %(fields)s")
CHANGED_AFTER_REVIEW = gettext_noop("Demande modifiée après instruction (%(fields)s) : nouvelle vérification.")
ACCEPTED_ELSEWHERE = gettext_noop("Place acceptée à %(establishment)s (demande %(number)s).")
FREED = gettext_noop("Place libérée par le refus de la proposition faite au dossier %(number)s.")


def _pattern(msgid):
    """A regular expression matching `msgid` as French text, one named group per parameter."""
    parts = re.split(r"%\((\w+)\)s", msgid)
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts)) + r"\Z"
    )


def message_for(note, field_names):
    """The message (Deferred.as_json()) an old system note stands for, or None for a person's words.

    `field_names`: {French verbose name: field name} of the request's fields, to read "Modification : …" back.
    """
    note = (note or "").strip()
    if not note:
        return None
    if note == EXPIRED_TEXT:
        return {"msgid": "pas de réponse dans le délai", "params": {}}
    for msgid in PLAIN:
        with translation.override("en"):
            english = translation.gettext(msgid)
        if note in (msgid, english):
            return {"msgid": msgid, "params": {}}
    if match := _pattern(RENEWED).match(note):
        try:
            day = datetime.datetime.strptime(match["date"], "%d/%m/%Y").date()
        except ValueError:
            return None
        return {"msgid": RENEWED, "params": {"date": {"date": day.isoformat()}}}
    for msgid in (CHANGED, CHANGED_AFTER_REVIEW):
        if match := _pattern(msgid).match(note):
            names = [field_names.get(label) for label in match["fields"].split(", ")]
            if None in names:
                return None
            return {"msgid": msgid, "params": {"fields": {"fields": "families.Application", "names": names}}}
    for msgid in (ACCEPTED_ELSEWHERE, FREED):
        if match := _pattern(msgid).match(note):
            return {"msgid": msgid, "params": match.groupdict()}
    return None


def convert(log_model, field_names=None):
    """Give every row of `log_model` whose note is a known system text its message."""
    for log in log_model.objects.filter(note_message__isnull=True).exclude(note="").iterator():
        message = message_for(log.note, field_names or {})
        if message is not None:
            log.note_message = message
            log.save(update_fields=["note_message"])


# The access log's details the code wrote without parameters.
AUDIT_PLAIN = [
    gettext_noop("lecture du dossier"),
    gettext_noop("pièces demandées"),
    gettext_noop("demande complète"),
    gettext_noop("message à la famille"),
    gettext_noop("note interne"),
]


def convert_audit(entry_model):
    """Give the access log's entries whose detail is a known parameterless system text its message."""
    for msgid in AUDIT_PLAIN:
        entry_model.objects.filter(detail=msgid, detail_message__isnull=True).update(
            detail_message={"msgid": msgid, "params": {}}
        )
