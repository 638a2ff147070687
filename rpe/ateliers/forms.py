import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Collectivite
from rpe.ateliers.enums import AtelierKind
from rpe.ateliers.services import MAX_CHILDREN
from rpe.models import Lieu
from rpe.models.ateliers import Atelier, AtelierProgramme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def commune_choices(relais):
    names = Collectivite.current_commune_names()
    codes = relais.communes or list(names)
    return [(code, names.get(code, code)) for code in codes]


class WhereAndWhatForm(forms.ModelForm):
    def __init__(self, *args, relais, **kwargs):
        super().__init__(*args, **kwargs)
        self.relais = relais
        self.fields["lieu"].queryset = Lieu.objects.filter(relais=relais)
        self.fields["code_insee"] = forms.ChoiceField(label=_("Commune"), choices=commune_choices(relais))
        self.fields["place_name"].help_text = _("La salle prêtée par la commune, si ce n'est pas un lieu du relais.")

    def save(self, commit=True):
        self.instance.relais = self.relais
        return super().save(commit)


class AtelierForm(WhereAndWhatForm):
    day = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Début"), widget=TIME)
    end_time = forms.TimeField(label=_("Fin"), widget=TIME)

    class Meta:
        model = Atelier
        fields = ["kind", "title", "description", "lieu", "place_name", "code_insee", "seats_adults", "seats_children"]

    def clean(self):
        data = super().clean()
        if {"day", "start_time", "end_time"} <= set(data):
            zone = timezone.get_current_timezone()
            start = datetime.datetime.combine(data["day"], data["start_time"], tzinfo=zone)
            end = datetime.datetime.combine(data["day"], data["end_time"], tzinfo=zone)
            if end <= start:
                self.add_error("end_time", _("La fin doit suivre le début."))
            self.instance.start, self.instance.end = start, end
        return data


class ProgrammeForm(WhereAndWhatForm):
    class Meta:
        model = AtelierProgramme
        fields = [
            "kind",
            "title",
            "description",
            "lieu",
            "place_name",
            "code_insee",
            "seats_adults",
            "seats_children",
            "weekday",
            "frequency",
            "start_time",
            "end_time",
            "first_date",
            "last_date",
            "term_time_only",
        ]
        widgets = {"first_date": DATE, "last_date": DATE, "start_time": TIME, "end_time": TIME}

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("La fin doit suivre le début."))
        if data.get("first_date") and data.get("last_date"):
            if data["last_date"] < data["first_date"]:
                self.add_error("last_date", _("La dernière date doit suivre la première."))
            elif (data["last_date"] - data["first_date"]).days > 366:
                self.add_error("last_date", _("Un programme couvre au plus un an."))
        return data


class RegistrationForm(forms.Form):
    children = forms.IntegerField(
        label=_("Nombre d'enfants que vous amenez"), min_value=0, max_value=MAX_CHILDREN, initial=0, required=False
    )

    def clean_children(self):
        return self.cleaned_data["children"] or 0


class ProgrammeFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'atelier"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)

    def __init__(self, *args, kinds, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tous"))] + [(kind.value, kind.label) for kind in kinds]
        self.fields["commune"].choices = [("", _("Toutes"))] + communes


ALL_KINDS = list(AtelierKind)
