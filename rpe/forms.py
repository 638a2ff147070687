"""Forms of the directory: the AM's profile and publication choices, availability per place, filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rpe.enums import ActivityStatus, AvailabilityStatus, HalfDay, Language, LieuKind
from rpe.models import AssistantMaternel, Lieu, Relais
from rpe.services import PROFILE_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def commune_choices(collectivite, codes=None):
    communes = sorted(collectivite.territory(), key=lambda commune: commune.name)
    return [(c.code_insee, c.name) for c in communes if codes is None or c.code_insee in codes]


class AmProfileForm(forms.ModelForm):
    """What the AM keeps up to date herself, and what she lets the public see (décret 2021-1131)."""

    languages = forms.MultipleChoiceField(
        label=_("Langues parlées en plus du français"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AssistantMaternel
        fields = PROFILE_FIELDS
        labels = {
            "publish_phone": _("Publier mon téléphone"),
            "publish_email": _("Publier mon courriel"),
            "publish_address": _("Publier mon adresse (sinon, les familles ne voient que mon secteur)"),
        }

    CONTACT = ("phone", "email", "address", "postal_code")
    PUBLICATION = ("publish_phone", "publish_email", "publish_address")

    def contact_fields(self):
        return [self[name] for name in self.CONTACT]

    def publication_fields(self):
        return [self[name] for name in self.PUBLICATION]

    def care_fields(self):
        return [self[name] for name in self.fields if name not in self.CONTACT + self.PUBLICATION]


class AvailabilityPlaceForm(forms.Form):
    """What is free on one line of the agrément."""

    status = forms.ChoiceField(
        label=_("Cette place est"), choices=AvailabilityStatus.choices, widget=forms.RadioSelect
    )
    available_from = forms.DateField(label=_("Libre à partir du"), required=False, widget=DATE)
    count = forms.IntegerField(label=_("Nombre de places libres"), min_value=1, initial=1)
    half_days = forms.MultipleChoiceField(
        label=_("Demi-journées proposées"),
        choices=HalfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    age_min_months = forms.IntegerField(label=_("Âge minimum de l'enfant (mois)"), min_value=0, max_value=144)
    age_max_months = forms.IntegerField(label=_("Âge maximum de l'enfant (mois)"), min_value=1, max_value=144)

    def __init__(self, *args, place, **kwargs):
        self.place = place
        availability = getattr(place, "availability", None)
        kwargs.setdefault(
            "initial",
            {
                "status": availability.status if availability else AvailabilityStatus.NONE,
                "available_from": availability.available_from if availability else None,
                "count": availability.count if availability else 1,
                "half_days": availability.half_days if availability else [],
                "age_min_months": availability.age_min_months if availability else place.age_min_months,
                "age_max_months": availability.age_max_months if availability else place.age_max_months,
            },
        )
        super().__init__(*args, prefix=f"place-{place.pk}", **kwargs)
        self.fields["count"].max_value = place.count
        self.fields["count"].widget.attrs["max"] = place.count

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == AvailabilityStatus.FROM_DATE and not data.get("available_from"):
            self.add_error("available_from", _("Indiquez à partir de quelle date la place est libre."))
        if status in (AvailabilityStatus.NOW, AvailabilityStatus.FROM_DATE) and not data.get("half_days"):
            self.add_error("half_days", _("Cochez au moins une demi-journée pour une place libre."))
        if status and status != AvailabilityStatus.NONE and (data.get("count") or 0) > self.place.count:
            self.add_error("count", _("Au plus %(count)s place(s) sur cette ligne.") % {"count": self.place.count})
        low, high = data.get("age_min_months"), data.get("age_max_months")
        if low is not None and high is not None and low >= high:
            self.add_error("age_max_months", _("L'âge maximum doit être supérieur à l'âge minimum."))
        return data

    def declaration(self):
        return {key: self.cleaned_data.get(key) for key in self.fields}


class StaffAmFilterForm(forms.Form):
    q = forms.CharField(label=_("Nom ou numéro d'agrément"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    relais = forms.ModelChoiceField(label=_("Relais"), queryset=Relais.objects.none(), required=False)
    activity = forms.ChoiceField(
        label=_("Activité"),
        required=False,
        choices=[("", _("en activité et suspendues"))] + list(ActivityStatus.choices),
    )
    freshness = forms.ChoiceField(
        label=_("Disponibilités"),
        required=False,
        choices=[
            ("", _("toutes")),
            ("free", _("place libre déclarée")),
            ("stale", _("non confirmées depuis plus de six mois")),
        ],
    )

    def __init__(self, *args, collectivite, relais, **kwargs):
        super().__init__(*args, **kwargs)
        codes = {code for item in relais for code in item.communes}
        self.fields["commune"].choices = [("", _("toutes"))] + commune_choices(collectivite, codes)
        self.fields["relais"].queryset = relais
        if relais.count() < 2:
            del self.fields["relais"]


class RelaisForm(forms.ModelForm):
    communes = forms.MultipleChoiceField(
        label=_("Communes couvertes"), widget=forms.CheckboxSelectMultiple, required=False
    )
    animatrices = forms.ModelMultipleChoiceField(
        label=_("Animatrices"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Relais
        fields = ["name", "communes", "email", "phone", "address", "is_itinerant"]

    def __init__(self, *args, collectivite, animatrices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].choices = commune_choices(collectivite)
        self.fields["animatrices"].queryset = animatrices
        if self.instance.pk:
            self.fields["animatrices"].initial = list(self.instance.memberships.values_list("user_id", flat=True))


class LieuForm(forms.ModelForm):
    code_insee = forms.ChoiceField(label=_("Commune"))
    kind = forms.ChoiceField(label=_("Type de lieu"), choices=LieuKind.choices)

    class Meta:
        model = Lieu
        fields = ["name", "kind", "address", "code_insee", "latitude", "longitude"]

    def __init__(self, *args, collectivite, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code_insee"].choices = commune_choices(collectivite)


class AccountLinkForm(forms.Form):
    email = forms.EmailField(label=_("Adresse du compte de l'assistant·e maternel·le"))


class ActivityForm(forms.Form):
    status = forms.ChoiceField(label=_("Activité"), choices=ActivityStatus.choices)


class AgrementImportForm(forms.Form):
    file = forms.FileField(
        label=_("Liste des agréments du département (CSV ou XLSX)"),
        help_text=_("2 Mo au plus. La première ligne porte les noms de colonnes."),
    )

    MAX_SIZE = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_SIZE:
            raise ValidationError(_("Le fichier dépasse 2 Mo."))
        content = upload.read()
        # Judged by content, never by name: an XLSX is a zip archive, a CSV is text.
        if content.startswith(b"PK\x03\x04"):
            self.cleaned_data["format"] = "xlsx"
        elif b"\x00" in content:
            raise ValidationError(_("Ce fichier n'est ni un tableur XLSX ni un fichier CSV."))
        else:
            self.cleaned_data["format"] = "csv"
        self.cleaned_data["content"] = content
        return upload
