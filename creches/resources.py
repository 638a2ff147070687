"""Establishments (with their sections) in and out of CSV and XLSX, with django-import-export.

One row per establishment; its sections fit in one column, "code:nom:âge min-âge max:places"
separated by " ; ". Every value a person types is read leniently (French day names, "oui"/"non",
decimal commas, "7h30") and every refusal is a French sentence naming what is wrong.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from creches.enums import CareKind, EstablishmentType, Manager
from creches.models import Establishment, Section
from portal.enums import Weekday

TRUE_WORDS = {"oui", "o", "vrai", "true", "1", "x", "yes"}
FALSE_WORDS = {"non", "n", "faux", "false", "0", "", "no"}


def normalise(text):
    return str(text).strip().lower()


class ChoiceWidget(widgets.Widget):
    """Accepts the stored value or its French label; exports the stored value."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return ""
        wanted = normalise(value)
        for stored, label in self.choices:
            if wanted in (normalise(stored), normalise(label)):
                return stored
        raise ValueError(
            _("« %(value)s » n'est pas une valeur possible (valeurs possibles : %(choices)s).")
            % {"value": value, "choices": ", ".join(str(stored) for stored, _label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class ListWidget(widgets.Widget):
    """A list of choices in one cell, separated by commas; values or French labels."""

    def __init__(self, choices, coerce=str, **kwargs):
        super().__init__(**kwargs)
        self.choice = ChoiceWidget(choices)
        self.choices = choices
        self.coerce = coerce

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        items = [item for item in re.split(r"[,;]", str(value)) if item.strip()]
        return [self.coerce(self.choice.clean(item.strip())) for item in items]

    def render(self, value, obj=None, **kwargs):
        labels = dict(self.choices)
        return ", ".join(str(labels.get(item, item)) for item in value or [])


class DaysWidget(ListWidget):
    def __init__(self, **kwargs):
        super().__init__(Weekday.choices, coerce=int, **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return []
        days = []
        for item in re.split(r"[,;]", str(value)):
            item = item.strip()
            if not item:
                continue
            if item.isdigit() and int(item) in Weekday.values:
                days.append(int(item))
                continue
            matches = [day for day, label in Weekday.choices if normalise(label).startswith(normalise(item)[:3])]
            if len(normalise(item)) < 3 or not matches:
                raise ValueError(_("« %(value)s » n'est pas un jour de la semaine.") % {"value": item})
            days.append(matches[0])
        return sorted(set(days))


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        wanted = normalise("" if value is None else value)
        if wanted in TRUE_WORDS:
            return True
        if wanted in FALSE_WORDS:
            return False
        raise ValueError(_("« %(value)s » : indiquez « oui » ou « non ».") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return _("oui") if value else _("non")


class IntegerWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("« %(value)s » n'est pas un nombre entier.") % {"value": value}) from None
        if number != number.to_integral_value():
            raise ValueError(_("« %(value)s » n'est pas un nombre entier.") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


class DecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": value}) from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class TimeWidget(widgets.Widget):
    PATTERN = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?(?::\d{2})?$")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.time()
        if isinstance(value, datetime.time):
            return value
        match = self.PATTERN.match(str(value).strip())
        if match:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            if hour < 24 and minute < 60:
                return datetime.time(hour, minute)
        raise ValueError(_("« %(value)s » n'est pas une heure (écrivez par exemple 07:30).") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%H:%M") if value else ""


SECTION_PATTERN = re.compile(r"^\s*([-\w]+)\s*:\s*([^:]+?)\s*:\s*(\d+)\s*-\s*(\d+)\s*:\s*(\d+)\s*$")


def parse_sections(value):
    """ "bebes:Bébés:2-18:12 ; grands:Grands:18-48:20" → a list of dicts, or ValueError in French."""
    sections, codes = [], set()
    for position, chunk in enumerate([part for part in str(value or "").split(";") if part.strip()], start=1):
        match = SECTION_PATTERN.match(chunk)
        if not match:
            raise ValueError(
                _(
                    "section n° %(position)s « %(chunk)s » illisible : écrivez code:nom:âge minimum-âge maximum:places, "
                    "par exemple bebes:Bébés:2-18:12."
                )
                % {"position": position, "chunk": chunk.strip()}
            )
        code, name, low, high, capacity = match.groups()
        low, high, capacity = int(low), int(high), int(capacity)
        if high < low:
            raise ValueError(
                _("section « %(name)s » : l'âge maximum (%(high)s mois) est inférieur à l'âge minimum (%(low)s mois).")
                % {"name": name, "high": high, "low": low}
            )
        if high > 72 or high < 1:
            raise ValueError(
                _("section « %(name)s » : l'âge maximum doit être compris entre 1 et 72 mois.") % {"name": name}
            )
        if code.lower() in codes:
            raise ValueError(_("le code de section « %(code)s » est en double.") % {"code": code})
        codes.add(code.lower())
        sections.append(
            {"code": code.lower(), "name": name, "min_age_months": low, "max_age_months": high, "capacity": capacity}
        )
    return sections


def render_sections(sections):
    return " ; ".join(
        f"{s.code}:{s.name}:{s.min_age_months}-{s.max_age_months}:{s.capacity}"
        for s in sorted(sections, key=lambda s: (s.min_age_months, s.code))
    )


class SectionsField(fields.Field):
    """Sections are a reverse relation: they are kept aside on the instance and saved after it."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._imported_sections = parse_sections(self.clean(row, **kwargs))


# Column headers: French, stable (the export writes them, the import reads them).
COLUMNS = {
    "slug": "identifiant",
    "name": "nom",
    "type": "type",
    "manager": "gestionnaire",
    "manager_name": "nom_gestionnaire",
    "address": "adresse",
    "postal_code": "code_postal",
    "commune": "commune",
    "code_insee": "code_insee",
    "latitude": "latitude",
    "longitude": "longitude",
    "opening_days": "jours",
    "opens_at": "ouverture",
    "closes_at": "fermeture",
    "capacity": "capacite",
    "care_kinds": "accueils",
    "atypical_hours": "horaires_atypiques",
    "disability_friendly": "handicap",
    "avip": "avip",
    "insertion_places": "places_insertion",
    "phone": "telephone",
    "email": "courriel",
    "description": "presentation",
    "is_active": "ouvert",
    "sections": "sections",
}


def column(attribute, widget):
    return fields.Field(attribute=attribute, column_name=COLUMNS[attribute], widget=widget)


class EstablishmentResource(resources.ModelResource):
    slug = column("slug", widgets.CharWidget())
    name = column("name", widgets.CharWidget())
    type = column("type", ChoiceWidget(EstablishmentType.choices))
    manager = column("manager", ChoiceWidget(Manager.choices))
    manager_name = column("manager_name", widgets.CharWidget())
    address = column("address", widgets.CharWidget())
    postal_code = column("postal_code", widgets.CharWidget())
    commune = column("commune", widgets.CharWidget())
    code_insee = column("code_insee", widgets.CharWidget())
    latitude = column("latitude", DecimalWidget())
    longitude = column("longitude", DecimalWidget())
    opening_days = column("opening_days", DaysWidget())
    opens_at = column("opens_at", TimeWidget())
    closes_at = column("closes_at", TimeWidget())
    capacity = column("capacity", IntegerWidget())
    care_kinds = column("care_kinds", ListWidget(CareKind.choices))
    atypical_hours = column("atypical_hours", YesNoWidget())
    disability_friendly = column("disability_friendly", YesNoWidget())
    avip = column("avip", YesNoWidget())
    insertion_places = column("insertion_places", IntegerWidget())
    phone = column("phone", widgets.CharWidget())
    email = column("email", widgets.CharWidget())
    description = column("description", widgets.CharWidget())
    is_active = column("is_active", YesNoWidget())
    sections = SectionsField(attribute="sections", column_name=COLUMNS["sections"], widget=widgets.CharWidget())

    class Meta:
        model = Establishment
        import_id_fields = ["slug"]
        fields = list(COLUMNS)
        export_order = list(COLUMNS)
        clean_model_instances = True
        skip_unchanged = False
        skip_diff = True
        use_transactions = True

    # Labels of the fields, for the validation report.
    @classmethod
    def field_label(cls, attribute):
        if attribute == NON_FIELD_ERRORS:
            return gettext_lazy("établissement")
        if attribute == "sections":
            return gettext_lazy("sections")
        try:
            return Establishment._meta.get_field(attribute).verbose_name
        except Exception:  # noqa: BLE001 - an unknown key is shown as it is
            return attribute

    def before_import(self, dataset, **kwargs):
        self._seen_slugs = {}
        missing = [name for name in ("identifiant", "nom") if name not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Colonne(s) manquante(s) : %(columns)s. Partez d'un export pour avoir les bonnes colonnes.")
                % {"columns": ", ".join(missing)}
            )

    def before_import_row(self, row, **kwargs):
        # The line of the file, counting the header as line 1, for the messages.
        self._line = kwargs.get("row_number", 0) + 1

    def dehydrate_sections(self, establishment):
        return render_sections(establishment.sections.all())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        slug = instance.slug
        if slug:
            if slug in self._seen_slugs:
                errors.setdefault(
                    "slug",
                    ValidationError(
                        _("L'identifiant « %(slug)s » figure déjà à la ligne %(line)s.")
                        % {"slug": slug, "line": self._seen_slugs[slug]}
                    ),
                )
            else:
                self._seen_slugs[slug] = self._line
        sections = getattr(instance, "_imported_sections", None)
        if sections is not None and "sections" not in errors and instance.capacity is not None:
            total = sum(section["capacity"] for section in sections)
            if total > instance.capacity:
                errors["sections"] = ValidationError(
                    _("Les sections totalisent %(total)s places, plus que la capacité d'agrément (%(capacity)s).")
                    % {"total": total, "capacity": instance.capacity}
                )
            elif instance.pk:
                kept = {section["code"] for section in sections}
                removed = instance.sections.exclude(code__in=kept).filter(openings__isnull=False).distinct()
                if removed:
                    errors["sections"] = ValidationError(
                        _("La section « %(name)s » a des places déclarées : elle ne peut pas être retirée.")
                        % {"name": removed[0].name}
                    )
        super().validate_instance(instance, errors, validate_unique)

    def after_save_instance(self, instance, row, **kwargs):
        sections = getattr(instance, "_imported_sections", None)
        if sections is None:
            return
        instance.sections.exclude(code__in=[section["code"] for section in sections]).delete()
        Section.objects.bulk_create(
            [Section(establishment=instance, **section) for section in sections],
            update_conflicts=True,
            unique_fields=["establishment", "code"],
            update_fields=["name", "min_age_months", "max_age_months", "capacity"],
        )
