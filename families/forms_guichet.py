"""Forms of the guichet's back-office: the queue's filters, the instruction actions, the audit log's filters."""

import re
from datetime import date

from django import forms
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from creches.enums import CareKind
from creches.models import Section
from families.enums import ApplicationStatus, CareMode, DocumentStatus
from families.models import MODE_FIELDS, DocumentType, Guardian
from families.services import current_documents
from portal.accounts.models import User
from portal.models import Collectivite

# Drafts are the family's own business until filed: the guichet never sees them.
QUEUE_STATUSES = [(value, label) for value, label in ApplicationStatus.choices if value != ApplicationStatus.BROUILLON]
OUTSIDE_TERRITORY = "hors"

YES, NO = "oui", "non"


def section_ranges():
    """{code: (name, min age, max age)} over every establishment's sections, in age order (one query)."""
    rows = (
        Section.objects.order_by()
        .values("code")
        .annotate(name=Min("name"), low=Min("min_age_months"), high=Max("max_age_months"))
        .order_by("low", "high", "code")
    )
    return {row["code"]: (row["name"], row["low"], row["high"]) for row in rows}


class QueueFilterForm(forms.Form):
    """The queue's filters; the same form reads the page's GET parameters and the API's query parameters."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        help_text=_("Nom de l'enfant ou d'un responsable, ou numéro de la demande."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=[("", _("Tous"))] + QUEUE_STATUSES)
    commune = forms.ChoiceField(label=_("Commune du foyer"), required=False)
    section = forms.ChoiceField(label=_("Section d'âge à l'entrée"), required=False)
    kind = forms.ChoiceField(label=_("Type d'accueil"), required=False, choices=[("", _("Tous"))] + CareKind.choices)
    start_from = forms.DateField(
        label=_("Entrée souhaitée à partir du"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_to = forms.DateField(
        label=_("Entrée souhaitée jusqu'au"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    mode = forms.ChoiceField(
        label=_("Mode d'accueil demandé"), required=False, choices=[("", _("Tous"))] + CareMode.choices
    )
    missing = forms.ChoiceField(
        label=_("Pièces manquantes"),
        required=False,
        choices=[("", _("Peu importe")), (YES, _("oui")), (NO, _("non"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = Collectivite.current_territory()
        self.fields["commune"].choices = [
            ("", _("Toutes")),
            *[(commune.code_insee, commune.name) for commune in self.communes],
            (OUTSIDE_TERRITORY, _("Hors du territoire")),
        ]
        self.sections = section_ranges()
        self.fields["section"].choices = [("", _("Toutes"))] + [
            (code, _("%(name)s (%(low)s à %(high)s mois)") % {"name": name, "low": low, "high": high})
            for code, (name, low, high) in self.sections.items()
        ]

    def clean(self):
        cleaned = super().clean()
        start_from, start_to = cleaned.get("start_from"), cleaned.get("start_to")
        if start_from and start_to and start_from > start_to:
            self.add_error("start_to", _("Cette date doit suivre la date « à partir du »."))
        return cleaned

    def valid_data(self):
        """The filters that are valid: a wrong date is reported and ignored, the other filters still apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data

    def filter(self, applications, *, with_status=True):
        """`applications` narrowed to the valid filters (with_status=False: all but the status, for the counts)."""
        data = self.valid_data()
        if with_status and data.get("status"):
            applications = applications.filter(status=data["status"])
        if commune := data.get("commune"):
            if commune == OUTSIDE_TERRITORY:
                applications = applications.exclude(
                    family__code_insee__in=[commune.code_insee for commune in self.communes]
                )
            else:
                applications = applications.filter(family__code_insee=commune)
        if (code := data.get("section")) and code in self.sections:
            _name, low, high = self.sections[code]
            applications = applications.filter(age_at_start_months__gte=low, age_at_start_months__lte=high)
        if kind := data.get("kind"):
            applications = applications.filter(kind=kind)
        if mode := data.get("mode"):
            applications = applications.filter(**{MODE_FIELDS[mode]: True})
        if start_from := data.get("start_from"):
            applications = applications.filter(desired_start__gte=start_from)
        if start_to := data.get("start_to"):
            applications = applications.filter(desired_start__lte=start_to)
        if missing := data.get("missing"):
            # `missing_documents` is annotated by Application.objects.with_missing_documents().
            applications = applications.filter(missing_documents=(missing == YES))
        for term in (data.get("q") or "").split()[:5]:
            guardian = Guardian.objects.filter(family=OuterRef("family")).filter(
                Q(first_name__icontains=term) | Q(last_name__icontains=term)
            )
            applications = applications.filter(
                Q(number__iexact=term)
                | Q(child__first_name__icontains=term)
                | Q(child__last_name__icontains=term)
                | Exists(guardian)
            )
        return applications


class IsoDateField(forms.DateField):
    """A date written YYYY-MM-DD and nothing else (JSON Schema's `format: date`)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error


class QueueQueryForm(QueueFilterForm):
    """The queue's filters as the API's query parameters, each validated as its schema declares it
    (families.api.queue): a parameter is either absent or a value, written exactly (no spaces trimmed), any
    INSEE or section code filters (the page's lists offer only the territory's), and a date range that ends
    before it starts is simply an empty list."""

    COMMUNE = rf"^([0-9]{{5}}|2[AB][0-9]{{3}}|{OUTSIDE_TERRITORY})$"
    SECTION = r"^[-a-zA-Z0-9_]{1,40}$"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"] = forms.CharField(required=False, max_length=100, strip=False)
        self.fields["commune"] = forms.RegexField(self.COMMUNE, required=False, strip=False)
        self.fields["section"] = forms.RegexField(self.SECTION, required=False, strip=False)
        self.fields["start_from"] = IsoDateField(required=False)
        self.fields["start_to"] = IsoDateField(required=False)

    def clean(self):
        cleaned = forms.Form.clean(self)
        for name, value in self.data.items():
            if name in self.fields and value == "":
                self.add_error(name, _("Valeur vide : omettez ce paramètre plutôt."))
        return cleaned


class DocumentReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[(DocumentStatus.VALID, _("Valider la pièce")), (DocumentStatus.REJECTED, _("Refuser la pièce"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif du refus"),
        required=False,
        max_length=300,
        help_text=_("Obligatoire en cas de refus : la famille le lira."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == DocumentStatus.REJECTED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif du refus : la famille le lira."))
        return cleaned


class PiecesRequestForm(forms.Form):
    document_types = forms.ModelMultipleChoiceField(
        label=_("Pièces demandées"),
        queryset=DocumentType.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "La famille les voit comme une liste à cocher ; les pièces obligatoires manquantes ou refusées "
            "y sont toujours."
        ),
    )
    reason = forms.CharField(
        label=_("Ce que la famille doit fournir"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Les pièces manquantes ou refusées sont ajoutées d'office au courriel."),
    )

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            current = current_documents(application)
            self.initial["document_types"] = [
                kind.pk
                for kind in self.fields["document_types"].queryset
                if kind.required and (kind.pk not in current or current[kind.pk].status == DocumentStatus.REJECTED)
            ]


class QuotientFamilialForm(forms.Form):
    value = forms.IntegerField(
        label=_("Quotient familial vérifié (€)"),
        min_value=0,
        max_value=100_000,
        help_text=_("D'après l'attestation CAF ou MSA, en euros."),
    )


class MarkCompleteForm(forms.Form):
    """No field: the button states the decision; the service checks the pieces."""


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message à la famille"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note interne"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Jamais montrée à la famille."),
    )


# Statuses whose transition needs the family or the commission to understand why.
REASON_REQUIRED = {ApplicationStatus.ANNULEE, ApplicationStatus.REFUSEE}


class TransitionForm(forms.Form):
    """Any other move the workflow table allows the guichet; the table itself decides (TransitionError)."""

    to_status = forms.ChoiceField(label=_("Nouveau statut"), choices=ApplicationStatus.choices)
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour une annulation ; transmis à la famille."),
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None and not self.is_bound:
            # Offer only what the table allows; a bound form accepts any status so the table can refuse it.
            self.fields["to_status"].choices = [(status, ApplicationStatus(status).label) for status in targets]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") in REASON_REQUIRED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif : la famille le lira."))
        return cleaned


class AuditLogFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Personne"), required=False, queryset=User.objects.none(), empty_label=_("Toutes")
    )
    date_from = forms.DateField(label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.staff().order_by("last_name", "first_name", "email")

    def filter(self, entries):
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if user := data.get("user"):
            entries = entries.filter(user=user)
        if date_from := data.get("date_from"):
            entries = entries.filter(at__date__gte=date_from)
        if date_to := data.get("date_to"):
            entries = entries.filter(at__date__lte=date_to)
        return entries
