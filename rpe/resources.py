"""The département's list of agréments in and out of CSV and XLSX, with django-import-export.

One row per assistant maternel, matched on the agrément number. The agrément's places fit in one
column, "places:âge min-âge max" (months), "D" at the end for a dérogation, separated by " / "
(not ";", the delimiter of French CSV files): "2:0-36 / 1:0-72:D". Contact data (phone, email) from the list fill an empty profile only: the AM
keeps hers up to date herself.
"""

import datetime
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from creches.resources import ChoiceWidget, IntegerWidget
from rpe.enums import Workplace
from rpe.geo import coarsen, commune_centre
from rpe.models import AgrementPlace, AssistantMaternel, Mam, Relais

COLUMNS = {
    "agrement_number": "numero_agrement",
    "last_name": "nom",
    "first_name": "prenom",
    "birth_year": "annee_naissance",
    "agrement_date": "date_agrement",
    "renewal_due_on": "date_renouvellement",
    "address": "adresse",
    "postal_code": "code_postal",
    "code_insee": "code_insee",
    "phone": "telephone",
    "email": "courriel",
    "workplace": "lieu_exercice",
    "mam": "mam",
    "places": "places",
}
REQUIRED = ("numero_agrement", "nom", "prenom", "code_insee", "places")
PLACE = re.compile(r"^\s*(\d+)\s*:\s*(\d+)\s*-\s*(\d+)\s*(?::\s*([dD]))?\s*$")


def parse_places(text):
    """[(count, age min, age max, dérogation)] from "2:0-36 / 1:0-72:D", or ValueError in French."""
    places = []
    for item in [item for item in re.split(r"[;|/+]", str(text or "")) if item.strip()]:
        match = PLACE.match(item)
        if not match:
            raise ValueError(
                _(
                    "« %(item)s » : écrivez les places ainsi : 2:0-36 (2 places de 0 à 36 mois), D à la fin pour une dérogation."
                )
                % {"item": item.strip()}
            )
        count, low, high = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if not 1 <= count <= 6 or low >= high:
            raise ValueError(_("« %(item)s » : nombre de places ou âges impossibles.") % {"item": item.strip()})
        places.append((count, low, high, bool(match.group(4))))
    if not places:
        raise ValueError(_("Indiquez au moins une place d'agrément."))
    return places


def render_places(places):
    return " / ".join(
        f"{place.count}:{place.age_min_months}-{place.age_max_months}{':D' if place.is_derogation else ''}"
        for place in places
    )


class FrenchDateWidget(widgets.Widget):
    """31/12/2024, 2024-12-31 or a spreadsheet date."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("« %(value)s » n'est pas une date (attendu : 31/12/2024).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class PlacesField(fields.Field):
    """Places are rows of their own: kept aside on the instance, saved after it."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._imported_places = parse_places(self.clean(row, **kwargs))


class FillIfEmptyField(fields.Field):
    """Contact data the AM keeps herself: the list fills them only while her profile has none."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if not getattr(instance, self.attribute):
            super().save(instance, row, is_m2m, **kwargs)


class MamWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        mam = Mam.objects.filter(name__iexact=str(value).strip()).first()
        if mam is None:
            raise ValueError(_("Aucune MAM ne s'appelle « %(name)s » : créez-la d'abord.") % {"name": value})
        return mam

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


def column(attribute, widget, field_class=fields.Field):
    return field_class(attribute=attribute, column_name=COLUMNS[attribute], widget=widget)


class AgrementResource(resources.ModelResource):
    agrement_number = column("agrement_number", widgets.CharWidget())
    last_name = column("last_name", widgets.CharWidget())
    first_name = column("first_name", widgets.CharWidget())
    birth_year = column("birth_year", IntegerWidget())
    agrement_date = column("agrement_date", FrenchDateWidget())
    renewal_due_on = column("renewal_due_on", FrenchDateWidget())
    address = column("address", widgets.CharWidget())
    postal_code = column("postal_code", widgets.CharWidget())
    code_insee = column("code_insee", widgets.CharWidget())
    phone = column("phone", widgets.CharWidget(), FillIfEmptyField)
    email = column("email", widgets.CharWidget(), FillIfEmptyField)
    workplace = column("workplace", ChoiceWidget(Workplace.choices + [("home", "domicile")]))
    mam = column("mam", MamWidget())
    places = column("places", widgets.CharWidget(), PlacesField)

    class Meta:
        model = AssistantMaternel
        import_id_fields = ["agrement_number"]
        fields = list(COLUMNS)
        export_order = list(COLUMNS)
        clean_model_instances = True
        skip_unchanged = False
        skip_diff = True
        use_transactions = True

    def __init__(self, collectivite=None, today=None, relais=None):
        """`relais`: the relais whose communes the import covers (the importer's); all of them by default."""
        super().__init__()
        self.collectivite = collectivite
        self.today = today or timezone.localdate()
        self.scope = relais

    @classmethod
    def field_label(cls, attribute):
        if attribute == NON_FIELD_ERRORS:
            return gettext_lazy("ligne")
        if attribute == "places":
            return gettext_lazy("places")
        try:
            return AssistantMaternel._meta.get_field(attribute).verbose_name
        except Exception:  # noqa: BLE001 - an unknown key is shown as it is
            return attribute

    def before_import(self, dataset, **kwargs):
        self._seen = {}
        missing = [name for name in REQUIRED if name not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Colonne(s) manquante(s) : %(columns)s. Colonnes attendues : %(expected)s.")
                % {"columns": ", ".join(missing), "expected": ", ".join(COLUMNS.values())}
            )
        self._relais = list(self.scope if self.scope is not None else Relais.objects.all())

    def before_import_row(self, row, **kwargs):
        self._line = kwargs.get("row_number", 0) + 1

    def dehydrate_places(self, am):
        return render_places(am.places.all())

    def relais_for(self, code_insee):
        return next((relais for relais in self._relais if code_insee in relais.communes), None)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The département's list covers the whole département: rows of other communes are not ours.
        return self.relais_for(instance.code_insee) is None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        number = instance.agrement_number
        if number in self._seen:
            errors.setdefault(
                "agrement_number",
                ValidationError(
                    _("Le numéro d'agrément « %(number)s » figure déjà à la ligne %(line)s.")
                    % {"number": number, "line": self._seen[number]}
                ),
            )
        elif number:
            self._seen[number] = self._line
        relais = self.relais_for(instance.code_insee)
        if instance.relais_id not in {item.pk for item in self._relais if instance.code_insee in item.communes}:
            # New, or she moved out of her relais's communes: the relais of her commune.
            instance.relais = relais
        if instance.mam_id is not None:
            instance.workplace = Workplace.MAM
        elif instance.workplace == Workplace.MAM and "mam" not in errors:
            errors["mam"] = ValidationError(_("Indiquez le nom de la MAM où elle exerce."))
        if not instance.workplace:
            instance.workplace = Workplace.HOME
        super().validate_instance(instance, errors, validate_unique)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.arrived_on = self.today
        if instance.latitude is None and self.collectivite is not None:
            instance.coarse_latitude, instance.coarse_longitude = commune_centre(
                self.collectivite, instance.code_insee
            )
        elif instance.latitude is not None:
            instance.coarse_latitude, instance.coarse_longitude = coarsen(instance.latitude, instance.longitude)

    def after_save_instance(self, instance, row, **kwargs):
        wanted = getattr(instance, "_imported_places", None)
        if wanted is None:
            return
        current = [(p.count, p.age_min_months, p.age_max_months, p.is_derogation) for p in instance.places.all()]
        if sorted(current) == sorted(wanted):
            return  # unchanged: keep the places and the availability declared on them
        instance.places.all().delete()
        AgrementPlace.objects.bulk_create(
            [
                AgrementPlace(am=instance, count=count, age_min_months=low, age_max_months=high, is_derogation=derog)
                for count, low, high, derog in wanted
            ]
        )
