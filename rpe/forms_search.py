"""Forms of the assistant-maternel search, contact requests, job offers and the follow-up."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.dates import months_between
from rpe import distance
from rpe.enums import WEEKDAY_HALF_DAYS, HalfDay
from rpe.enums_offers import FollowUpContactKind, FollowUpOutcome
from rpe.search import MAX_RADIUS_KM, Criteria

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WEEKDAY_CHOICES = [(value, label) for value, label in HalfDay.choices if value in WEEKDAY_HALF_DAYS]
ATYPICAL_CHOICES = [
    ("early_hours", _("avant 7 h")),
    ("late_hours", _("après 20 h")),
    ("saturday", _("le samedi")),
    ("sunday", _("le dimanche")),
    ("night", _("la nuit")),
]
RADIUS_CHOICES = [("", _("—")), ("2", _("2 km")), ("5", _("5 km")), ("10", _("10 km")), ("20", _("20 km"))]


def commune_choices(collectivite, empty=None):
    communes = sorted((c for c in collectivite.territory() if c.code_insee), key=lambda c: c.name)
    return [("", empty or _("Toutes"))] + [(c.code_insee, c.name) for c in communes]


class ChildAgeMixin:
    """The child's age at the start date, given in months or from the (expected) birth date."""

    def child_age(self, data):
        birth, start = data.get("birth_date"), data.get("start_date")
        age = data.get("age_months")
        if birth:
            age = months_between(birth, start or timezone.localdate())
            if age < 0:
                self.add_error("start_date", _("L'enfant ne sera pas encore né à cette date."))
                return None
        return age


class SearchForm(ChildAgeMixin, forms.Form):
    """The public search (GET: bookmarkable, works without JavaScript)."""

    commune = forms.ChoiceField(label=_("Commune"), required=False)
    address = forms.CharField(
        label=_("Ou près d'une adresse"),
        required=False,
        max_length=200,
        help_text=_("Par exemple : 3 rue de la Mairie, Aizenay. Choisissez alors une distance."),
    )
    radius_km = forms.ChoiceField(label=_("Distance maximale"), required=False, choices=RADIUS_CHOICES)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    birth_date = forms.DateField(label=_("Date de naissance (prévue) de l'enfant"), required=False, widget=DATE)
    age_months = forms.IntegerField(
        label=_("Ou son âge à l'entrée (en mois)"), required=False, min_value=0, max_value=72
    )
    start_date = forms.DateField(label=_("Accueil souhaité à partir du"), required=False, widget=DATE)
    half_days = forms.MultipleChoiceField(
        label=_("Demi-journées souhaitées"),
        required=False,
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    atypical = forms.MultipleChoiceField(
        label=_("Horaires atypiques"), required=False, choices=ATYPICAL_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    disability = forms.BooleanField(label=_("Accueil d'un enfant en situation de handicap"), required=False)

    def __init__(self, *args, collectivite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.collectivite = collectivite
        self.fields["commune"].choices = commune_choices(collectivite)
        self.located = None

    def clean(self):
        data = super().clean()
        data["age"] = self.child_age(data)
        radius = data.get("radius_km")
        if data.get("address") and data.get("latitude") is None:
            self.located = distance.geocode(data["address"], self.collectivite, code_insee=data.get("commune") or "")
            if self.located is None:
                self.add_error(
                    "address", _("Adresse introuvable : précisez la commune, ou choisissez-la dans la liste.")
                )
            else:
                data["latitude"], data["longitude"] = self.located.latitude, self.located.longitude
                # A distance from an address replaces the commune filter.
                data["commune"] = ""
        if data.get("latitude") is not None and not radius:
            data["radius_km"] = radius = "5"
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error(None, _("Indiquez la latitude et la longitude du point."))
        return data

    def criteria(self):
        data = self.cleaned_data
        radius = float(data["radius_km"]) if data.get("radius_km") else None
        return Criteria(
            code_insee=data.get("commune") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_km=min(radius, MAX_RADIUS_KM) if radius else None,
            date=data.get("start_date"),
            age_months=data.get("age"),
            half_days=tuple(data.get("half_days") or ()),
            atypical=tuple(data.get("atypical") or ()),
            disability=bool(data.get("disability")),
        )


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Votre message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Présentez votre besoin. Indiquez comment vous joindre si vous le souhaitez : "
            "l'assistante maternelle vous répond dans son espace."
        ),
    )
    start_date = forms.DateField(label=_("Accueil souhaité à partir du"), required=False, widget=DATE)
    child_age_months = forms.IntegerField(
        label=_("Âge de l'enfant à cette date (mois)"), required=False, min_value=0, max_value=72
    )


class ContactAnswerForm(forms.Form):
    has_place = forms.TypedChoiceField(
        label=_("Avez-vous une place pour cette famille ?"),
        choices=[("1", _("Oui, je peux en parler avec elle")), ("0", _("Non, pas de place"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("Votre réponse"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class SavedSearchForm(forms.Form):
    label = forms.CharField(label=_("Nom de la recherche"), max_length=200)


class JobOfferForm(ChildAgeMixin, forms.Form):
    commune = forms.ChoiceField(label=_("Commune"))
    start_date = forms.DateField(label=_("Accueil à partir du"), widget=DATE)
    birth_date = forms.DateField(label=_("Date de naissance (prévue) de l'enfant"), required=False, widget=DATE)
    age_months = forms.IntegerField(
        label=_("Ou son âge à l'entrée (en mois)"), required=False, min_value=0, max_value=72
    )
    half_days = forms.MultipleChoiceField(
        label=_("Demi-journées"), choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    atypical_hours = forms.BooleanField(label=_("Horaires atypiques"), required=False)
    disability = forms.BooleanField(label=_("Enfant en situation de handicap"), required=False)
    particular_needs = forms.CharField(
        label=_("Besoins particuliers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("N'y écrivez ni nom, ni adresse, ni numéro : les réponses arrivent dans votre espace."),
    )

    def __init__(self, *args, collectivite=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = commune_choices(collectivite, empty=_("Choisissez"))

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("La date d'accueil est passée."))
        return value

    def clean(self):
        data = super().clean()
        data["age"] = self.child_age(data)
        if data["age"] is None and not self.errors:
            self.add_error("age_months", _("Indiquez la date de naissance ou l'âge de l'enfant."))
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("publish", _("Publier l'annonce")), ("refuse", _("Refuser l'annonce"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif du refus (lu par la famille)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Indiquez le motif du refus : la famille le lira."))
        return data


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Votre réponse à la famille"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class FollowUpContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature du contact"), choices=FollowUpContactKind.choices)
    am = forms.TypedChoiceField(
        label=_("Assistante maternelle proposée"), required=False, coerce=int, empty_value=None
    )
    outcome = forms.ChoiceField(label=_("Situation de la famille après ce contact"), choices=FollowUpOutcome.choices)
    note = forms.CharField(
        label=_("Ce qui a été dit ou convenu"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, matching=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["am"].choices = [("", _("— aucune —"))] + [(am.pk, am.display_name) for am in matching]
