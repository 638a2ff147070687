from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Min
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from creches.models import Establishment, Section
from families.enums import WEEKDAYS
from families.models import MODE_FIELDS, Application, Child, DocumentType, Family, Guardian, Situation
from families.services import ONE_REQUEST_PER_CHILD, REOPEN_INSTEAD, reopenable_application_of
from portal.dates import first_of_month_from, months_between
from portal.models import Collectivite

OTHER_COMMUNE = "autre"


class FamilyForm(forms.ModelForm):
    # The commune right after the address it belongs to.
    field_order = ["address", "postal_code", "commune_choice", "commune_other"]

    commune_choice = forms.ChoiceField(label=_("Commune de résidence"))
    commune_other = forms.CharField(
        label=_("Nom de la commune, si elle n'est pas dans la liste"), max_length=100, required=False
    )
    situations = forms.ModelMultipleChoiceField(
        queryset=Situation.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Situations particulières (facultatif)"),
        help_text=_("Elles peuvent donner des points selon le règlement d'attribution publié par la collectivité."),
    )

    class Meta:
        model = Family
        fields = [
            "address",
            "postal_code",
            "numero_allocataire",
            "quotient_familial",
            "dependent_children",
            "situations",
        ]
        help_texts = {
            "quotient_familial": _(
                "Il figure sur votre attestation de quotient familial de la CAF ou de la MSA. Vous la téléchargez "
                "depuis votre compte sur caf.fr (rubrique « Attestations ») ou sur msa.fr ; le guichet le vérifiera."
            ),
            "dependent_children": _("Enfants à votre charge au sens de la CAF, y compris celui de la demande."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.communes = {commune.code_insee: commune.name for commune in Collectivite.current_territory()}
        self.fields["commune_choice"].choices = [("", "—"), *self.communes.items()] + [
            (OTHER_COMMUNE, _("Autre commune (hors du territoire)"))
        ]
        self.fields["address"].required = True
        self.fields["postal_code"].required = True
        if self.instance.pk and self.instance.commune:
            self.initial["commune_choice"] = self.instance.code_insee or OTHER_COMMUNE
            if not self.instance.code_insee:
                self.initial["commune_other"] = self.instance.commune

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(_("Le code postal a 5 chiffres."))
        return value

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("commune_choice")
        if choice == OTHER_COMMUNE:
            if not cleaned.get("commune_other", "").strip():
                self.add_error("commune_other", _("Indiquez le nom de votre commune."))
            self.instance.commune, self.instance.code_insee = cleaned.get("commune_other", "").strip(), ""
        elif choice in self.communes:
            self.instance.commune, self.instance.code_insee = self.communes[choice], choice
        return cleaned


class GuardianForm(forms.ModelForm):
    class Meta:
        model = Guardian
        fields = ["first_name", "last_name", "professional_situation", "email", "phone"]


class BaseGuardianFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_few_forms": _("Indiquez au moins un responsable de l'enfant : son prénom, son nom et sa situation."),
    }


GuardianFormSet = inlineformset_factory(
    Family,
    Guardian,
    form=GuardianForm,
    formset=BaseGuardianFormSet,
    min_num=1,
    max_num=2,
    extra=1,
    validate_min=True,
    validate_max=True,
)


class ChildForm(forms.ModelForm):
    born = forms.TypedChoiceField(
        label=_("L'enfant est-il né ?"),
        choices=[("1", _("Oui")), ("0", _("Pas encore"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    date = forms.DateField(
        label=_("Date de naissance, ou date prévue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Child
        fields = ["first_name", "last_name", "aeeh"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["born"] = "1" if self.instance.is_born else "0"
            self.initial["date"] = self.instance.reference_date

    def clean(self):
        cleaned = super().clean()
        born, date = cleaned.get("born"), cleaned.get("date")
        today = timezone.localdate()
        if date is None or born is None:
            return cleaned
        if born and date > today:
            self.add_error("date", _("Une date de naissance ne peut pas être dans le futur."))
        elif born and date < today - relativedelta(years=6):
            self.add_error("date", _("Le guichet concerne les enfants de moins de 6 ans."))
        elif not born and not today <= date <= today + relativedelta(months=9):
            self.add_error("date", _("La naissance prévue doit être dans les neuf prochains mois."))
        elif born and not cleaned.get("first_name", "").strip():
            self.add_error("first_name", _("Indiquez le prénom de l'enfant."))
        self.instance.birth_date, self.instance.expected_date = (date, None) if born else (None, date)
        return cleaned


def time_field(label):
    return forms.TimeField(label=label, required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class ApplicationForm(forms.ModelForm):
    """The demande: type, start date, weekly planning, modes wished and ranked vœux."""

    class Meta:
        model = Application
        fields = [
            "kind",
            "desired_start",
            "wants_collective",
            "wants_assistant_maternel",
            "wants_mam",
            "wants_home_care",
            "wants_shared_home_care",
            "comment",
        ]
        widgets = {"desired_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "wants_mam": _("Plusieurs assistant·e·s maternel·le·s accueillent ensemble, dans un local dédié."),
            "wants_shared_home_care": _(
                "Une garde à domicile partagée avec une autre famille, chez l'une ou l'autre."
            ),
        }

    def __init__(self, *args, child, max_wishes, **kwargs):
        super().__init__(*args, **kwargs)
        self.child = child
        self.max_wishes = max_wishes
        establishments = Establishment.objects.active().prefetch_related("sections").order_by("commune", "name")
        self.establishments = {str(establishment.pk): establishment for establishment in establishments}
        choices = [("", _("— aucun —"))] + [
            (str(establishment.pk), f"{establishment.name} ({establishment.commune})")
            for establishment in establishments
        ]
        for day, label in WEEKDAYS:
            self.fields[f"{day}_start"] = time_field(_("%(day)s : arrivée") % {"day": label})
            self.fields[f"{day}_end"] = time_field(_("%(day)s : départ") % {"day": label})
        for rank in range(1, max_wishes + 1):
            self.fields[f"wish_{rank}"] = forms.ChoiceField(
                label=_("Vœu n° %(rank)d") % {"rank": rank}, choices=choices, required=False
            )
        if self.instance.pk:
            for day, (start, end) in self.instance.planning.items():
                self.initial[f"{day}_start"], self.initial[f"{day}_end"] = start, end
            for wish in self.instance.wishes.all():
                self.initial[f"wish_{wish.rank}"] = str(wish.establishment_id)

    @property
    def planning_rows(self):
        return [(label, self[f"{day}_start"], self[f"{day}_end"]) for day, label in WEEKDAYS]

    @property
    def wish_fields(self):
        return [self[f"wish_{rank}"] for rank in range(1, self.max_wishes + 1)]

    def clean_desired_start(self):
        value = self.cleaned_data["desired_start"]
        today = timezone.localdate()
        if value < today:
            raise forms.ValidationError(_("La date d'entrée souhaitée est passée."))
        if value > today + relativedelta(years=3):
            raise forms.ValidationError(_("La date d'entrée souhaitée est à plus de trois ans."))
        earliest = earliest_start(self.child)
        if value < earliest:
            raise forms.ValidationError(
                _(
                    "Votre enfant n'aura pas encore l'âge d'être accueilli : choisissez une date à partir du "
                    "%(date)s (%(months)d mois après la naissance)."
                )
                % {"date": formats.date_format(earliest, "SHORT_DATE_FORMAT"), "months": youngest_admission_months()}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        live = Application.objects.live().filter(child=self.child).exclude(pk=self.instance.pk)
        if self.child.pk and live.exists():
            raise forms.ValidationError(ONE_REQUEST_PER_CHILD % {"child": self.child.display_name})
        if self.child.pk and not self.instance.pk and reopenable_application_of(self.child) is not None:
            raise forms.ValidationError(REOPEN_INSTEAD % {"child": self.child.display_name})
        planning = {}
        for day, label in WEEKDAYS:
            start, end = cleaned.get(f"{day}_start"), cleaned.get(f"{day}_end")
            if start is None and end is None:
                continue
            if start is None or end is None or end <= start:
                self.add_error(
                    f"{day}_end", _("%(day)s : indiquez une arrivée et un départ plus tard.") % {"day": label}
                )
                continue
            planning[day] = [start.strftime("%H:%M"), end.strftime("%H:%M")]
        if not planning:
            self.add_error(None, _("Indiquez au moins un jour d'accueil dans le planning."))
        self.planning = planning
        chosen = [cleaned.get(f"wish_{rank}") for rank in range(1, self.max_wishes + 1)]
        chosen = [value for value in chosen if value]
        if len(set(chosen)) != len(chosen):
            self.add_error(None, _("Chaque établissement ne peut figurer qu'une fois parmi vos vœux."))
        start = cleaned.get("desired_start")
        self.chosen_establishments = []
        # Each vœu is checked against the child's age only when the date itself is right (one error, at its place).
        if start and "desired_start" not in self.errors:
            age = months_between(self.child.reference_date, start)
            for rank in range(1, self.max_wishes + 1):
                value = cleaned.get(f"wish_{rank}")
                if not value:
                    continue
                establishment = self.establishments[value]
                if not any(section.takes_age(age) for section in establishment.sections.all()):
                    self.add_error(
                        f"wish_{rank}",
                        _("%(name)s n'accueille pas un enfant de %(age)d mois à la date d'entrée souhaitée.")
                        % {"name": establishment.name, "age": age},
                    )
                self.chosen_establishments.append(establishment)
        if cleaned.get("wants_collective") and not chosen:
            self.add_error("wish_1", _("Choisissez au moins un établissement, ou décochez l'accueil collectif."))
        if not any(cleaned.get(field) for field in MODE_FIELDS.values()):
            self.add_error(None, _("Choisissez au moins un mode d'accueil."))
        return cleaned

    def application_fields(self):
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["planning"] = self.planning
        return fields


class DocumentUploadForm(forms.Form):
    document_type = forms.ModelChoiceField(
        queryset=DocumentType.objects.filter(is_active=True), label=_("Pièce"), empty_label=None
    )
    file = forms.FileField(
        label=_("Fichier (PDF, JPEG ou PNG, 10 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class SubmitForm(forms.Form):
    consent = forms.BooleanField(
        label=_("J'ai lu la notice ci-dessus et j'accepte que mes données servent à instruire ma demande."),
        required=True,
        error_messages={"required": _("Votre accord est nécessaire pour déposer la demande.")},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi annulez-vous ? (facultatif)"), required=False, max_length=500)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Votre message au guichet"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


# Without a section in the catalogue, the age most crèches and assistants maternels start at.
USUAL_YOUNGEST_MONTHS = 3


def youngest_admission_months():
    """The youngest age, in months, any active establishment's section takes (the usual age when none)."""
    youngest = Section.objects.filter(establishment__in=Establishment.objects.active()).aggregate(
        youngest=Min("min_age_months")
    )["youngest"]
    return USUAL_YOUNGEST_MONTHS if youngest is None else max(youngest, 0)


def earliest_start(child):
    """The first day the child can be taken in: never before birth, not before the youngest age admitted."""
    return child.reference_date + relativedelta(months=youngest_admission_months())


def default_start(child=None):
    """A usual start date: the first of a month, next month at the earliest, once the child can be admitted."""
    start = timezone.localdate() + relativedelta(days=1)
    if child is not None:
        start = max(start, earliest_start(child))
    return first_of_month_from(start)
