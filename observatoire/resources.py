"""The INSEE file of children under 3 per commune, in with django-import-export.

Accepted as INSEE publishes it (base « évolution et structure de la population »: CODGEO, LIBGEO, P21_POP0002
for the 0-2 year-olds of the 2021 census) or with plain French headers (code_insee, nom, annee,
enfants_moins_3_ans). The year comes from the file's column, else from the P<yy>_ prefix, else from the form.
"""

import re

import tablib
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from observatoire.models import CommunePopulation

ALIASES = {
    "codgeo": "code_insee",
    "code": "code_insee",
    "code_insee": "code_insee",
    "libgeo": "name",
    "nom": "name",
    "commune": "name",
    "annee": "year",
    "année": "year",
    "enfants_moins_3_ans": "children_under_3",
    "enfants": "children_under_3",
}
CENSUS_COLUMN = re.compile(r"^p(\d{2})_pop0002$")


def normalise_headers(dataset, default_year=None):
    """A dataset with the resource's headers (and a year on every row)."""
    headers = []
    census_year = None
    for header in dataset.headers or []:
        key = str(header or "").strip().lower()
        match = CENSUS_COLUMN.match(key)
        if match:
            census_year = 2000 + int(match.group(1))
            headers.append("children_under_3")
        else:
            headers.append(ALIASES.get(key, key))
    fixed = tablib.Dataset(headers=headers)
    for row in dataset:
        fixed.append(list(row))
    if "year" not in headers:
        year = census_year or default_year
        fixed.append_col([year] * len(fixed), header="year")
    if "name" not in headers:
        fixed.append_col([""] * len(fixed), header="name")
    return fixed


class StrictIntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError(_("Valeur manquante."))
        text = str(value).replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError as error:
            raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": value}) from error
        if number < 0:
            raise ValueError(_("Un effectif ne peut pas être négatif."))
        # INSEE publishes census estimates with decimals: rounded to the nearest child.
        return round(number)


class CodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip().upper()
        if re.fullmatch(r"\d{4}", code):
            code = "0" + code  # a spreadsheet dropped the leading zero (01001 → 1001)
        if not re.fullmatch(r"(\d{5}|2[AB]\d{3})", code):
            raise ValueError(_("« %(value)s » n'est pas un code INSEE de commune.") % {"value": value})
        return code


class PopulationResource(resources.ModelResource):
    code_insee = fields.Field(attribute="code_insee", column_name="code_insee", widget=CodeWidget())
    year = fields.Field(attribute="year", column_name="year", widget=StrictIntegerWidget())
    children_under_3 = fields.Field(
        attribute="children_under_3", column_name="children_under_3", widget=StrictIntegerWidget()
    )
    name = fields.Field(attribute="name", column_name="name", widget=widgets.CharWidget())

    class Meta:
        model = CommunePopulation
        import_id_fields = ["code_insee", "year"]
        fields = ["code_insee", "year", "children_under_3", "name"]
        skip_unchanged = False
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        instance.source = _("INSEE, recensement %(year)s") % {"year": instance.year}
