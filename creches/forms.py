from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from creches.enums import CareKind, EstablishmentType
from creches.models import Establishment, FeeScale, PlaceOpening, Section
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.dates import months_between
from portal.enums import Weekday

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class CatalogueFilterForm(forms.Form):
    """The filters of the public catalogue (a GET form: results are bookmarkable and work without JS)."""

    commune = forms.ChoiceField(label=_("Commune"), required=False)
    type = forms.ChoiceField(
        label=_("Type d'établissement"), required=False, choices=[("", _("Tous"))] + EstablishmentType.choices
    )
    care_kind = forms.ChoiceField(label=_("Accueil"), required=False, choices=[("", _("Tous"))] + CareKind.choices)
    age_months = forms.IntegerField(
        label=_("Âge de l'enfant (en mois)"),
        required=False,
        min_value=0,
        max_value=72,
        help_text=_("Ou bien indiquez la date de naissance (prévue) et la date d'entrée souhaitée."),
    )
    birth_date = forms.DateField(label=_("Date de naissance (prévue)"), required=False, widget=DATE)
    start_date = forms.DateField(label=_("Date d'entrée souhaitée"), required=False, widget=DATE)
    opens_before = forms.TimeField(
        label=_("Ouvert dès"), required=False, widget=TIME, help_text=_("Par exemple 07:30.")
    )
    closes_after = forms.TimeField(
        label=_("Ouvert jusqu'à"), required=False, widget=TIME, help_text=_("Par exemple 18:30.")
    )
    disability_friendly = forms.BooleanField(label=_("Accueil d'enfants en situation de handicap"), required=False)
    atypical_hours = forms.BooleanField(label=_("Horaires atypiques"), required=False)
    avip = forms.BooleanField(
        label=_("Crèche à vocation d'insertion professionnelle (AVIP)"),
        required=False,
        help_text=_("Places réservées aux parents en recherche d'emploi ou en formation."),
    )

    def __init__(self, *args, communes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [("", _("Toutes"))] + [(commune, commune) for commune in communes]

    def clean(self):
        data = super().clean()
        birth, start = data.get("birth_date"), data.get("start_date")
        data["age"] = data.get("age_months")
        if birth:
            start = start or timezone.localdate()
            age = months_between(birth, start)
            if age < 0:
                self.add_error("start_date", _("L'enfant ne sera pas encore né à cette date."))
            else:
                data["age"] = age
        elif start and data.get("age_months") is None:
            self.add_error("birth_date", _("Indiquez la date de naissance pour calculer l'âge à l'entrée."))
        return data

    def filter(self, establishments, *, by_commune=True):
        data = self.cleaned_data
        if by_commune and data.get("commune"):
            establishments = establishments.in_commune(data["commune"])
        if data.get("type"):
            establishments = establishments.filter(type=data["type"])
        if data.get("care_kind"):
            establishments = establishments.offering(data["care_kind"])
        if data.get("age") is not None:
            establishments = establishments.taking_age(data["age"])
        if data.get("opens_before"):
            establishments = establishments.opening_by(data["opens_before"])
        if data.get("closes_after"):
            establishments = establishments.closing_from(data["closes_after"])
        for flag in ("disability_friendly", "atypical_hours", "avip"):
            if data.get(flag):
                establishments = establishments.filter(**{flag: True})
        return establishments


class StaffEstablishmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher (nom ou commune)"), required=False)
    type = forms.ChoiceField(
        label=_("Type d'établissement"), required=False, choices=[("", _("Tous"))] + EstablishmentType.choices
    )

    def filter(self, establishments):
        from django.db.models import Q

        if query := self.cleaned_data.get("q", "").strip():
            establishments = establishments.filter(Q(name__icontains=query) | Q(commune__icontains=query))
        if kind := self.cleaned_data.get("type"):
            establishments = establishments.filter(type=kind)
        return establishments


class EstablishmentForm(forms.ModelForm):
    opening_days = forms.TypedMultipleChoiceField(
        label=_("Jours d'ouverture"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    care_kinds = forms.MultipleChoiceField(
        label=_("Accueils proposés"), choices=CareKind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Establishment
        fields = [
            "name",
            "slug",
            "type",
            "manager",
            "manager_name",
            "address",
            "postal_code",
            "commune",
            "code_insee",
            "latitude",
            "longitude",
            "opening_days",
            "opens_at",
            "closes_at",
            "capacity",
            "care_kinds",
            "atypical_hours",
            "disability_friendly",
            "avip",
            "insertion_places",
            "phone",
            "email",
            "hourly_rate",
            "description",
            "directors",
            "is_active",
        ]
        widgets = {
            "opens_at": TIME,
            "closes_at": TIME,
            "directors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "slug": _("Utilisé dans l'adresse de la page publique : lettres minuscules, chiffres et tirets."),
            "latitude": _("En degrés décimaux, par exemple 49.11960."),
            "longitude": _("En degrés décimaux, par exemple 6.17570."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["directors"].queryset = User.objects.with_role(Role.DIRECTEUR)
        self.fields["directors"].label = _("Direction (comptes directeur·rice)")


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["name", "code", "min_age_months", "max_age_months", "capacity"]
        help_texts = {"code": _("Identifiant court, par exemple « bebes ».")}

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age_months"), data.get("max_age_months")
        if low is not None and high is not None and high < low:
            self.add_error("max_age_months", _("L'âge maximum doit être supérieur ou égal à l'âge minimum."))
        return data


class BaseSectionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        total = 0
        for form in self.forms:
            if not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                if form.instance.pk and form.instance.openings.exists():
                    raise ValidationError(
                        _("La section « %(name)s » a des places déclarées : elle ne peut pas être supprimée.")
                        % {"name": form.instance.name}
                    )
                continue
            total += form.cleaned_data.get("capacity") or 0
        capacity = self.instance.capacity
        if capacity is not None and total > capacity:
            raise ValidationError(
                _(
                    "Les sections totalisent %(total)s places, plus que la capacité d'agrément "
                    "de l'établissement (%(capacity)s)."
                )
                % {"total": total, "capacity": capacity}
            )


SectionFormSet = inlineformset_factory(
    Establishment, Section, form=SectionForm, formset=BaseSectionFormSet, extra=1, can_delete=True
)


class PlaceOpeningForm(forms.ModelForm):
    count = forms.IntegerField(
        label=_("Nombre de places"),
        min_value=1,
        max_value=200,
        error_messages={"min_value": _("Le nombre de places doit être d'au moins une.")},
    )

    class Meta:
        model = PlaceOpening
        fields = ["section", "count", "available_from", "note"]
        widgets = {"available_from": DATE}

    def __init__(self, *args, establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.establishment = establishment
        # Only the sections of this establishment: another id is refused as an invalid choice.
        self.fields["section"].queryset = establishment.sections.all()
        self.fields["section"].label_from_instance = lambda section: (
            _("%(name)s (%(low)s à %(high)s mois, %(places)s places)")
            % {
                "name": section.name,
                "low": section.min_age_months,
                "high": section.max_age_months,
                "places": section.capacity,
            }
        )

    def clean_available_from(self):
        day = self.cleaned_data["available_from"]
        if day < timezone.localdate():
            raise ValidationError(_("La date ne peut pas être dans le passé."))
        return day

    def clean_section(self):
        section = self.cleaned_data["section"]
        if section.establishment_id != self.establishment.pk:
            raise ValidationError(_("Cette section n'appartient pas à l'établissement."))
        return section


class FeeScaleForm(forms.ModelForm):
    class Meta:
        model = FeeScale
        fields = [
            "valid_from",
            "resources_floor",
            "resources_ceiling",
            "effort_rate_1",
            "effort_rate_2",
            "effort_rate_3",
            "effort_rate_4_to_7",
            "effort_rate_8_plus",
            "reference_hourly_cost",
            "cmg_structure_amount_1",
            "cmg_structure_amount_2",
            "cmg_structure_amount_3",
            "cmg_structure_ceiling_1",
            "cmg_structure_ceiling_2",
            "cmg_structure_ceiling_step_1",
            "cmg_structure_ceiling_step_2",
        ]
        widgets = {"valid_from": DATE}

    def clean_valid_from(self):
        day = self.cleaned_data["valid_from"]
        if day < timezone.localdate():
            raise ValidationError(_("Une nouvelle version ne peut pas s'appliquer dans le passé."))
        others = FeeScale.objects.exclude(pk=self.instance.pk)
        latest = others.filter(valid_from__lte=timezone.localdate()).latest_version()
        if latest is not None and day <= latest.valid_from:
            raise ValidationError(
                _("La date doit être postérieure à celle de la version en vigueur (%(date)s).")
                % {"date": latest.valid_from.strftime("%d/%m/%Y")}
            )
        if others.filter(valid_from=day).exists():
            raise ValidationError(_("Une version du barème commence déjà à cette date."))
        return day


class SimulatorForm(forms.Form):
    """The inputs of the fee simulator; a GET form, so a result can be bookmarked and shared."""

    annual_resources = forms.DecimalField(
        label=_("Ressources annuelles du foyer (année N-2, en euros)"),
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_(
            "Le revenu net imposable de l'avant-dernière année, avant abattements, tel que la CAF le connaît."
        ),
    )
    children = forms.IntegerField(label=_("Nombre d'enfants à charge"), min_value=1, max_value=20, initial=1)
    aeeh_children = forms.IntegerField(
        label=_("Dont enfants bénéficiaires de l'AEEH"),
        min_value=0,
        max_value=20,
        initial=0,
        required=False,
        help_text=_("Allocation d'éducation de l'enfant handicapé : chacun compte pour un enfant de plus."),
    )
    hours_per_week = forms.DecimalField(
        label=_("Heures d'accueil par semaine"), min_value=Decimal("0.5"), max_value=60, decimal_places=2, initial=40
    )
    weeks_per_year = forms.DecimalField(
        label=_("Semaines d'accueil par an"), min_value=1, max_value=52, decimal_places=1, initial=45
    )
    hourly_wage = forms.DecimalField(
        label=_("Salaire horaire net de l'assistant·e maternel·le (en euros, facultatif)"),
        min_value=Decimal("0.01"),
        max_value=50,
        decimal_places=2,
        required=False,
        help_text=_(
            "Pour estimer aussi le coût chez un·e assistant·e maternel·le, complément de libre choix du mode de garde (CMG) déduit."
        ),
    )
    paje_hourly_rate = forms.DecimalField(
        label=_("Tarif horaire d'une micro-crèche PAJE (en euros, facultatif)"),
        min_value=Decimal("0.01"),
        max_value=50,
        decimal_places=2,
        required=False,
        help_text=_("Le prix de l'heure affiché sur la page de la micro-crèche : pour estimer son coût, CMG déduit."),
    )
    child_over_3 = forms.BooleanField(
        label=_("L'enfant a entre 3 et 6 ans"),
        required=False,
        help_text=_("Le CMG d'une micro-crèche est alors divisé par deux."),
    )
    start_date = forms.DateField(
        label=_("Date de début de l'accueil"),
        required=False,
        widget=DATE,
        help_text=_("Le barème en vigueur à cette date s'applique ; aujourd'hui si vide."),
    )

    def clean(self):
        data = super().clean()
        children, aeeh = data.get("children"), data.get("aeeh_children") or 0
        data["aeeh_children"] = aeeh
        if children is not None and aeeh > children:
            self.add_error("aeeh_children", _("Il ne peut pas y avoir plus d'enfants bénéficiaires que d'enfants."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier des établissements (CSV ou XLSX)"),
        help_text=_("2 Mo au plus. La première ligne porte les noms de colonnes, comme dans l'export."),
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
