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
# The msgid is marked with gettext_noop where it is written, so makemessages still extracts it; a plural message's
# two forms with ngettext_noop (an extra keyword for makemessages: portal/management/commands/makemessages.py).


@dataclass(frozen=True)
class Deferred:
    """A system message: its French msgid and its parameters, kept as JSON (`as_json`) and rendered when read.

    Parameters are plain values (shown as they are), dates (stored ISO, written in the reader's language),
    `number(value)` (an integer grouped as the reader's language groups it), `field_labels(model, names)` (field
    names, shown as their verbose names), `choice(member)` (an enum's label) or other `Deferred` messages.
    A plural message (`deferred_plural`) also keeps its plural form and the count that chooses between them.
    """

    msgid: str
    params: dict = field(default_factory=dict)
    plural: str = ""
    count: int = 0

    def as_json(self):
        if self.plural:
            return {"msgid": self.msgid, "plural": self.plural, "count": self.count, "params": self.params}
        return {"msgid": self.msgid, "params": self.params}

    def __str__(self):
        return render(self.as_json())

    def french(self):
        with translation.override("fr"):
            return str(self)


def deferred(msgid, **params):
    """`deferred(gettext_noop("Renouvellement confirmé jusqu'au %(date)s."), date=some_date)`."""
    return Deferred(msgid, {name: _param_json(value) for name, value in params.items()})


def ngettext_noop(singular, plural):
    """Marks a plural message for makemessages without translating it: `deferred_plural` translates it when read."""
    return singular, plural


def deferred_plural(forms, count, /, **params):
    """`deferred_plural(ngettext_noop("%(n)s mois", "%(n)s mois"), n, n=number(n))`: the form `count` asks for in
    the reader's language."""
    singular, plural = forms
    return Deferred(singular, {name: _param_json(value) for name, value in params.items()}, plural, count)


def number(value, *, signed=False):
    """A parameter that is an integer, written as the reader's language writes it (`number_text`)."""
    return {"number": value, "signed": True} if signed else {"number": value}


def _reader_is_french():
    return (translation.get_language() or settings.LANGUAGE_CODE).startswith("fr")


def number_text(value, *, signed=False):
    """An integer grouped as the reader's language groups it: 1 200 in French, 1,200 in English; "+3" when signed
    and positive."""
    sign = "-" if value < 0 else "+" if signed and value > 0 else ""
    return sign + f"{abs(value):,}".replace(",", " " if _reader_is_french() else ",")


def _form_count(count):
    # The msgids are French and there is no French catalogue, so gettext falls back to the English rule;
    # French makes 0 and 1 singular ("0 point"). Other languages use their catalogue's rule ("0 points").
    count = abs(count)
    return (1 if count <= 1 else 2) if _reader_is_french() else count


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
    if isinstance(value, dict) and "number" in value:
        return number_text(value["number"], signed=value.get("signed", False))
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


def stored_text(stored):
    """A stored system message (`as_json()`) in the reader's language; a text stored as text, as it is."""
    return render(stored) if isinstance(stored, dict) else stored


def render(message):
    """A stored system message (`Deferred.as_json()`) in the reader's language."""
    if message.get("plural"):
        text = translation.ngettext(message["msgid"], message["plural"], _form_count(message["count"]))
    else:
        text = translation.gettext(message["msgid"])
    params = message.get("params") or {}
    return text % {name: _param_text(value) for name, value in params.items()} if params else text
