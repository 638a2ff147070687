from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creches.forms import ImportForm
from observatoire.enums import DepartureReason, ReportSection
from observatoire.models import ObservatoireSettings, ReportComment

FIRST_YEAR = 2020


class FiguresFilterForm(forms.Form):
    annee = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["annee"].choices = [(year, str(year)) for year in range(this_year, FIRST_YEAR - 1, -1)]
        self.fields["commune"].choices = [("", _("Tout le territoire"))] + [
            (code, name) for code, name, *_rest in communes
        ]


class PopulationImportForm(ImportForm):
    annee = forms.IntegerField(
        label=_("Année de référence"),
        min_value=1990,
        max_value=2100,
        required=False,
        help_text=_("Lue dans le fichier de l'INSEE (colonne P21_POP0002 : 2021) ; sinon indiquez-la."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Fichier de l'INSEE des enfants de moins de 3 ans par commune (CSV ou XLSX)")
        self.fields["file"].help_text = _(
            "Colonnes CODGEO (ou code_insee), LIBGEO (ou nom) et P21_POP0002 (ou enfants_moins_3_ans) ; 2 Mo au plus."
        )


class ReportCommentsForm(forms.Form):
    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        existing = dict(ReportComment.objects.filter(year=year).values_list("section", "text"))
        for section in ReportSection:
            self.fields[section.value] = forms.CharField(
                label=section.label,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial=existing.get(section.value, ""),
            )

    def save(self, user):
        for section in ReportSection:
            ReportComment.objects.update_or_create(
                year=self.year,
                section=section.value,
                defaults={"text": self.cleaned_data[section.value], "updated_by": user},
            )


class ArrivalForm(forms.Form):
    arrived_on = forms.DateField(label=_("Date d'arrivée"), widget=forms.DateInput(attrs={"type": "date"}))


class DepartureForm(forms.Form):
    left_on = forms.DateField(label=_("Date de départ"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.ChoiceField(label=_("Motif du départ"), choices=DepartureReason.choices)


class SharingForm(forms.ModelForm):
    class Meta:
        model = ObservatoireSettings
        fields = ["share_with_departement"]
