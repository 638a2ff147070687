"""Text stored in the database in French with its English beside it (`label` and `label_en`).

Why fields rather than gettext or a library: these labels are written by each collectivité in its own
configuration (gettext only knows texts in the code), there are two languages, and an explicit
`<field>_en` column with a fallback to the French keeps every model and query as it is. When more
languages come, django-modeltranslation does the same with one column per language.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation


def localized(obj, field="label"):
    """`obj.<field>` in the reader's language: its `<field>_en` for an English reader when filled in."""
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    if language != "fr":
        translated = getattr(obj, f"{field}_{language}", "")
        if translated:
            return translated
    return getattr(obj, field)


# Texts the system writes into a history (a status change's note, a reason) are read later by people who
# may not share the writer's language: they are stored as a message to translate when read, not as text.
# The msgid is marked with gettext_noop where it is written, so makemessages still extracts it.


@dataclass(frozen=True)
class Deferred:
    """A system message: its French msgid and its parameters, kept as JSON (`as_json`) and rendered when read.

    Parameters are plain values (shown as they are), dates (stored ISO, written in the reader's language),
    `field_labels(model, names)` (field names, shown as their verbose names), `choice(member)` (an enum's label)
    or other `Deferred` messages.
    """

    msgid: str
    params: dict = field(default_factory=dict)

    def as_json(self):
        return {"msgid": self.msgid, "params": self.params}

    def __str__(self):
        return render(self.as_json())

    def french(self):
        with translation.override("fr"):
            return str(self)


def deferred(msgid, **params):
    """`deferred(gettext_noop("Renouvellement confirmé jusqu'au %(date)s."), date=some_date)`."""
    return Deferred(msgid, {name: _param_json(value) for name, value in params.items()})


def choice(member):
    """A parameter naming an enum member (TextChoices): rendered as its label in the reader's language."""
    with translation.override(None):  # no catalogue: the lazy label gives its French msgid
        return Deferred(str(member.label))


def field_labels(model, names):
    """A parameter naming fields of `model`: rendered as their verbose names, joined by commas."""
    return {"fields": model._meta.label, "names": list(names)}


def _param_json(value):
    if isinstance(value, Deferred):
        return value.as_json()
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _param_text(value):
    if isinstance(value, dict) and "msgid" in value:
        return render(value)
    if isinstance(value, dict) and "date" in value:
        from portal.dates import long_date

        return long_date(datetime.date.fromisoformat(value["date"]))
    if isinstance(value, dict) and "fields" in value:
        return ", ".join(_field_label(apps.get_model(value["fields"]), name) for name in value["names"])
    return value


def _field_label(model, name):
    try:
        found = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    if found.auto_created and not found.concrete:  # a reverse relation, e.g. an application's "wishes"
        return str(found.related_model._meta.verbose_name_plural)
    return str(found.verbose_name)


def render(message):
    """A stored system message (`Deferred.as_json()`) in the reader's language."""
    text = translation.gettext(message["msgid"])
    params = message.get("params") or {}
    return text % {name: _param_text(value) for name, value in params.items()} if params else text
