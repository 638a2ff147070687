"""The guichet's queue as its page shows it: each row's texts made in Python, the labels translated once a page.

A template that looks up `get_status_display`, `{% blocktranslate %}` and `{% url %}` in each of 50 rows
spends most of the page's time in gettext and the template engine; the rows below print the very same HTML.
"""

from dataclasses import dataclass

from django.template.defaultfilters import capfirst
from django.urls import reverse
from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from creches.enums import CareKind
from families.enums import ApplicationStatus
from families.models import MODE_FIELDS

PK_PLACEHOLDER = 918273645  # no real primary key: replaced by each row's own


@dataclass(frozen=True, slots=True)
class QueueRow:
    """What one row of the queue prints; `str` values are escaped by the template, SafeString ones are HTML."""

    url: str
    number: str
    child_name: str
    born: bool
    child_date: str  # of birth, or expected birth
    commune: str
    desired_start: str
    kind: str
    age: SafeString  # "… mois"
    modes: list
    first_wish: str
    missing_documents: bool
    submitted_on: str
    status: str


def short_date_maker():
    """The `date:"SHORT_DATE_FORMAT"` filter (a datetime in the current time zone, nothing for no value), with
    the language's format looked up once a page rather than once a date."""
    short_format = get_format("SHORT_DATE_FORMAT")
    return lambda value: dateformat.format(template_localtime(value), short_format) if value else ""


def dossier_url_maker():
    """The dossier's URL for a primary key, from a single reverse() (one per row costs as much as the row)."""
    head, tail = reverse("families:dossier", args=[PK_PLACEHOLDER]).split(str(PK_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def queue_rows(applications):
    """The rows of a page of `Application.objects.queue_rows()`, labels translated once for the whole page."""
    status_labels = {value: capfirst(label) for value, label in ApplicationStatus.choices}
    kind_labels = {value: capfirst(label) for value, label in CareKind.choices}
    mode_labels = {mode: str(mode.label) for mode in MODE_FIELDS}
    months = _("%(age)s mois")
    short_date = short_date_maker()
    dossier_url = dossier_url_maker()
    rows = []
    for application in applications:
        child = application.child
        rows.append(
            QueueRow(
                url=dossier_url(application.pk),
                number=application.number,
                child_name=child.display_name,
                born=child.birth_date is not None,
                child_date=short_date(child.birth_date or child.expected_date),
                commune=application.family.commune or "—",
                desired_start=short_date(application.desired_start),
                kind=kind_labels.get(application.kind, application.kind),
                age=mark_safe(months % {"age": conditional_escape(application.age_at_start_months)}),  # noqa: S308
                modes=[mode_labels[mode] for mode, field in MODE_FIELDS.items() if getattr(application, field)],
                first_wish=application.first_wish or "—",
                missing_documents=application.missing_documents,
                submitted_on=short_date(application.submitted_at) or "—",
                status=status_labels.get(application.status, application.status),
            )
        )
    return rows
