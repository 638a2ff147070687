from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commissions import scoring
from commissions.enums import BandsMeasure, BonusReason, CriterionKind, DeclineReason, NegativeMeasure, UnitMeasure
from commissions.models import Regulation, Reservation
from creches.models import Section
from families.models import Situation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BAND_ROWS = 8
FROZEN_MESSAGE = _("Cette version est adoptée : elle ne se modifie plus. Créez une nouvelle version pour la changer.")


class RegulationCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"), max_length=200, initial=_("Règlement d'attribution des places en crèche")
    )
    copy_from = forms.ModelChoiceField(
        label=_("Point de départ"),
        queryset=Regulation.objects.none(),
        required=False,
        empty_label=_("une grille vide"),
        help_text=_("Les critères de la version choisie sont recopiés dans le nouveau projet, qui reste modifiable."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["copy_from"].queryset = Regulation.objects.order_by("-version")
        in_force = Regulation.objects.in_force()
        if in_force is not None:
            self.fields["copy_from"].initial = in_force.pk


class RegulationForm(forms.ModelForm):
    class Meta:
        model = Regulation
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 5})}

    def clean(self):
        data = super().clean()
        if self.instance.pk and self.instance.is_frozen:
            raise ValidationError(FROZEN_MESSAGE, code="frozen")
        return data


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label=_("Date de la délibération"), widget=DATE, help_text=_("La version s'applique à partir de cette date.")
    )
    deliberation = forms.CharField(
        label=_("Référence de la délibération"), max_length=120, help_text=_("Par exemple : DCM 2025-42.")
    )

    def __init__(self, *args, regulation, **kwargs):
        super().__init__(*args, **kwargs)
        self.regulation = regulation
        self.fields["adopted_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if self.regulation.is_frozen:
            raise ValidationError(FROZEN_MESSAGE, code="frozen")
        return data


class CriterionForm(forms.Form):
    """A criterion of one kind: the fields are those its parameters need, checked by commissions.scoring."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Identifiant court, sans espace ni accent (ex. : quotient-familial)."),
    )
    label = forms.CharField(label=_("Libellé"), max_length=200)
    label_en = forms.CharField(
        label=_("Libellé en anglais"),
        max_length=200,
        required=False,
        help_text=_("Affiché aux lecteurs qui ont choisi l'anglais ; sinon, le libellé en français."),
    )
    explanation = forms.CharField(
        label=_("Explication pour les familles"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui est pris en compte et sur quel justificatif."),
    )
    explanation_en = forms.CharField(
        label=_("Explication en anglais"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label=_("Ordre d'affichage"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, regulation, kind, criterion=None, **kwargs):
        self.regulation, self.kind, self.criterion = regulation, kind, criterion
        if criterion is not None:
            kwargs.setdefault("initial", self.initial_from(criterion))
        super().__init__(*args, **kwargs)
        points = {"min_value": 1, "max_value": scoring.MAX_POINTS}
        cap_help = _("Laissez vide pour ne pas plafonner.")
        if kind == CriterionKind.SITUATION:
            self.fields["situation"] = forms.ChoiceField(
                label=_("Situation particulière"),
                choices=[(s.code, s.label) for s in Situation.objects.order_by("order", "label")],
                help_text=_("Celles que les familles déclarent dans leur foyer."),
            )
            self.fields["points"] = forms.IntegerField(label=_("Points"), **points)
        elif kind == CriterionKind.BANDS:
            self.fields["measure"] = forms.ChoiceField(
                label=_("Mesure découpée en tranches"), choices=BandsMeasure.choices
            )
            for row in range(1, BAND_ROWS + 1):
                self.fields[f"band_{row}_from"] = forms.IntegerField(
                    label=_("Tranche %(row)s : à partir de") % {"row": row},
                    min_value=0,
                    max_value=scoring.MAX_BOUND,
                    required=False,
                )
                self.fields[f"band_{row}_points"] = forms.IntegerField(
                    label=_("Tranche %(row)s : points") % {"row": row},
                    min_value=0,
                    max_value=scoring.MAX_POINTS,
                    required=False,
                )
            self.fields["missing_points"] = forms.IntegerField(
                label=_("Points si le quotient familial n'est pas connu"),
                min_value=0,
                max_value=scoring.MAX_POINTS,
                initial=0,
                required=False,
            )
        elif kind in (CriterionKind.PER_UNIT, CriterionKind.NEGATIVE):
            measures = UnitMeasure if kind == CriterionKind.PER_UNIT else NegativeMeasure
            self.fields["measure"] = forms.ChoiceField(label=_("Ce qui est compté"), choices=measures.choices)
            self.fields["points"] = forms.IntegerField(
                label=_("Points par unité") if kind == CriterionKind.PER_UNIT else _("Points retirés par unité"),
                **points,
            )
            self.fields["max_points"] = forms.IntegerField(
                label=_("Plafond (points)"), required=False, help_text=cap_help, **points
            )
            if kind == CriterionKind.NEGATIVE:
                self.fields["exempt"] = forms.MultipleChoiceField(
                    label=_("Refus qui ne retirent pas de points"),
                    choices=DeclineReason.choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    help_text=_("La famille indique sa raison en refusant ; celles cochées ici ne comptent pas."),
                )
        elif kind == CriterionKind.ESTABLISHMENT_BONUS:
            self.fields["reason"] = forms.ChoiceField(label=_("Motif du bonus"), choices=BonusReason.choices)
            self.fields["points"] = forms.IntegerField(label=_("Points de plus pour cet établissement"), **points)
        else:
            raise ValueError(kind)

    @property
    def band_rows(self):
        """The (from, points) bound fields of each band row, for a fieldset per row."""
        if self.kind != CriterionKind.BANDS:
            return []
        return [(row, self[f"band_{row}_from"], self[f"band_{row}_points"]) for row in range(1, BAND_ROWS + 1)]

    @property
    def plain_fields(self):
        """Every field except the band rows (rendered apart)."""
        return [field for field in self if not field.name.startswith("band_")]

    @staticmethod
    def initial_from(criterion):
        names = ("code", "label", "label_en", "explanation", "explanation_en", "order")
        initial = {name: getattr(criterion, name) for name in names}
        parameters = dict(criterion.parameters)
        for row, band in enumerate(parameters.pop("bands", []) or [], start=1):
            initial[f"band_{row}_from"] = band["from"]
            initial[f"band_{row}_points"] = band["points"]
        initial.update(parameters)
        return initial

    def clean_code(self):
        code = self.cleaned_data["code"]
        others = self.regulation.criteria.filter(code=code)
        if self.criterion is not None:
            others = others.exclude(pk=self.criterion.pk)
        if others.exists():
            raise ValidationError(_("Un autre critère de ce règlement porte déjà ce code."))
        return code

    def clean(self):
        data = super().clean()
        if self.regulation.is_frozen:
            raise ValidationError(FROZEN_MESSAGE, code="frozen")
        if self.errors:
            return data
        parameters = self.parameters_from(data)
        try:
            data["parameters"] = scoring.clean_parameters(self.kind, parameters)
        except scoring.ParameterError as error:
            raise ValidationError(error.messages) from error
        return data

    def parameters_from(self, data):
        if self.kind == CriterionKind.SITUATION:
            return {"situation": data["situation"], "points": data["points"]}
        if self.kind == CriterionKind.BANDS:
            bands = []
            for row in range(1, BAND_ROWS + 1):
                low, points = data.get(f"band_{row}_from"), data.get(f"band_{row}_points")
                if low is None and points is None:
                    continue
                if low is None or points is None:
                    self.add_error(
                        f"band_{row}_from" if low is None else f"band_{row}_points",
                        _("Indiquez la borne basse et les points de cette tranche, ou laissez les deux vides."),
                    )
                    continue
                bands.append({"from": low, "points": points})
            return {"measure": data["measure"], "bands": bands, "missing_points": data.get("missing_points") or 0}
        if self.kind == CriterionKind.PER_UNIT:
            return {"measure": data["measure"], "points": data["points"], "max_points": data.get("max_points")}
        if self.kind == CriterionKind.NEGATIVE:
            return {
                "measure": data["measure"],
                "points": data["points"],
                "max_points": data.get("max_points"),
                "exempt": list(data.get("exempt") or []),
            }
        return {"reason": data["reason"], "points": data["points"]}

    def criterion_fields(self):
        data = self.cleaned_data
        return {
            "code": data["code"],
            "label": data["label"],
            "label_en": data["label_en"],
            "explanation": data["explanation"],
            "explanation_en": data["explanation_en"],
            "order": data["order"],
            "kind": self.kind,
            "parameters": data["parameters"],
        }


class KindChoiceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de critère"), choices=CriterionKind.choices)


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, section):
        return _("%(establishment)s — %(section)s (%(capacity)s places)") % {
            "establishment": section.establishment.name,
            "section": section.name,
            "capacity": section.capacity,
        }


class ReservationForm(forms.ModelForm):
    section = SectionChoiceField(label=_("Section"), queryset=Section.objects.none())

    class Meta:
        model = Reservation
        fields = ["section", "flag", "count"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = (
            Section.objects.filter(establishment__is_active=True)
            .select_related("establishment")
            .order_by("establishment__name", "min_age_months")
        )


def criterion_initial_for_new(regulation):
    """The next free display order, so that a new criterion goes at the end of the grid."""
    last = regulation.criteria.order_by("-order").values_list("order", flat=True).first()
    return {"order": 10 if last is None else last + 10}
