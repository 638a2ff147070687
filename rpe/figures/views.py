"""The relais' figures page and its XLSX export (aggregates only: staff of the relais and élus)."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.decorators import allowed_if
from rpe import perms
from rpe.ateliers.enums import AtelierKind
from rpe.figures.compute import relais_figures
from rpe.figures.rows import summary_rows
from rpe.figures.xlsx import figures_workbook
from rpe.inbox.enums import ContactChannel, ContactPerson, ContactTheme
from rpe.relais_choice import chosen_relais

MONTHS = [
    (1, _("janvier")),
    (2, _("février")),
    (3, _("mars")),
    (4, _("avril")),
    (5, _("mai")),
    (6, _("juin")),
    (7, _("juillet")),
    (8, _("août")),
    (9, _("septembre")),
    (10, _("octobre")),
    (11, _("novembre")),
    (12, _("décembre")),
]


class PeriodForm(forms.Form):
    annee = forms.IntegerField(label=_("Année"), min_value=2000, max_value=2100)
    mois = forms.TypedChoiceField(
        label=_("Mois"), choices=[("", _("toute l'année")), *MONTHS], coerce=int, empty_value=None, required=False
    )


def period_of(request):
    form = PeriodForm(request.GET or None, initial={"annee": timezone.localdate().year})
    if form.is_valid():
        return form, form.cleaned_data["annee"], form.cleaned_data["mois"]
    return PeriodForm(initial={"annee": timezone.localdate().year}), timezone.localdate().year, None


def labelled(counts, enum):
    return [(enum(key).label, n) for key, n in counts.items()]


@allowed_if(perms.can_see_relais_figures)
@require_GET
def figures_page(request):
    relais, choices = chosen_relais(request, perms.relais_for_figures(request.user))
    form, year, month = period_of(request)
    figures = relais_figures(relais, year, month)
    return render(
        request,
        "rpe/figures/page.html",
        {
            "relais": relais,
            "choices": choices,
            "form": form,
            "figures": figures,
            "summary": summary_rows(figures),
            "by_person": labelled(figures.contacts_by_person, ContactPerson),
            "by_theme": labelled(figures.contacts_by_theme, ContactTheme),
            "by_channel": labelled(figures.contacts_by_channel, ContactChannel),
            "by_kind": labelled(figures.ateliers_by_kind, AtelierKind),
            "months": dict(MONTHS),
            "query": request.GET.urlencode(),
        },
    )


@allowed_if(perms.can_see_relais_figures)
@require_GET
def figures_export(request):
    relais, _choices = chosen_relais(request, perms.relais_for_figures(request.user))
    _form, year, month = period_of(request)
    body = figures_workbook(relais_figures(relais, year, month))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    suffix = f"{year}-{month:02d}" if month else f"{year}"
    response["Content-Disposition"] = f'attachment; filename="chiffres-relais-{relais.pk}-{suffix}.xlsx"'
    return response
