"""Pages of the observatoire: the dashboard (élus, agents, administrators), its exports and the annual report,
the administrator's pages (report comments, INSEE import, guide builds), the directors' arrivals and departures,
and the public guide petite enfance.

Every figure comes from `indicators.published_tables` (secrecy applied once); élus only ever get aggregates.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commissions.enums import OfferStatus
from commissions.models import Offer
from creches.models import Establishment
from observatoire import charts, compute, documents, exports, services
from observatoire.enums import BuildState, ReportSection
from observatoire.forms import (
    ArrivalForm,
    DepartureForm,
    FiguresFilterForm,
    PopulationImportForm,
    ReportCommentsForm,
    SharingForm,
)
from observatoire.models import CommunePopulation, ObservatoireSettings, ReportVersion, Stay
from observatoire.perms import (
    can_administer_observatoire,
    can_record_stays,
    can_refresh_figures,
    can_see_observatoire,
)
from observatoire.services import (
    population_dataset,
    population_import,
    sharing_set,
    stay_confirm_arrival,
    stay_record_departure,
)
from observatoire.tasks import build_report, snapshot_on_demand
from portal.decorators import allowed_if
from portal.tasks import enqueue_on_commit

EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _filters(request):
    form = FiguresFilterForm(request.GET or None, communes=compute.territory_communes())
    year, commune = timezone.localdate().year, ""
    if form.is_valid():
        year = form.cleaned_data["annee"] or year
        commune = form.cleaned_data["commune"] or ""
    return form, year, commune


def _sections(published, commune):
    codes = {commune} if commune else None
    sections = []
    for table in published.tables:
        sections.append(
            {
                "table": table,
                "rows": table.published_rows(codes),
                "chart": charts.bars(
                    table, codes=codes if table.rows and table.rows[0].code in _commune_codes() else None
                ),
            }
        )
    return sections


def _commune_codes():
    return {code for code, *_rest in compute.territory_communes()}


@allowed_if(can_see_observatoire)
@require_GET
def dashboard(request):
    form, year, commune = _filters(request)
    published = services.for_year(year)
    territory = published.table("territory")
    context = {
        "form": form,
        "year": year,
        "commune": commune,
        "commune_name": {c: n for c, n, *_ in compute.territory_communes()}.get(commune, ""),
        "published": published,
        "sections": _sections(published, commune),
        "map": charts.symbol_map(territory, "places_eaje", compute.territory_communes()),
        "map_am": charts.symbol_map(territory, "places_am", compute.territory_communes()),
        "can_refresh": can_refresh_figures(request.user),
        "can_administer": can_administer_observatoire(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "observatoire/dashboard.html", context)


@allowed_if(can_see_observatoire)
@require_GET
def table_export(request, key, fmt):
    if fmt not in EXPORT_TYPES:
        raise Http404
    _form, year, commune = _filters(request)
    published = services.for_year(year)
    codes = {commune} if commune else None
    if key == "tout":
        if fmt != "xlsx":
            raise Http404
        content = exports.workbook_export(published, codes)
        name = f"observatoire-{year}.xlsx"
    else:
        table = published.table(key)
        if table is None:
            raise Http404
        content = exports.table_export(table, fmt, codes)
        name = f"observatoire-{year}-{key}.{fmt}"
    response = HttpResponse(content, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@allowed_if(can_refresh_figures)
@require_POST
def refresh(request):
    _form, year, _commune = _filters(request)
    year = int(request.POST.get("annee") or year)
    if not 2000 <= year <= timezone.localdate().year:
        year = timezone.localdate().year
    enqueue_on_commit(snapshot_on_demand, year)
    messages.success(request, _("Le calcul des indicateurs est lancé : rechargez la page dans un instant."))
    return redirect(f"{reverse('observatoire:dashboard')}?annee={year}")


@allowed_if(can_see_observatoire)
@require_GET
def report_pdf(request, year):
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404
    version = ReportVersion.objects.filter(year=year).order_by("-version").first()
    if version is None or not version.file.storage.exists(version.file.name):
        documents.report_queue(year)
        response = HttpResponse(
            _("Le rapport %(year)s est en cours de construction : réessayez dans une minute.") % {"year": year},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "30"
        return response
    return FileResponse(version.file.open("rb"), as_attachment=False, filename=f"rapport-{year}.pdf")


@allowed_if(can_administer_observatoire)
@require_http_methods(["GET", "POST"])
def report_edit(request):
    _form, year, _commune = _filters(request)
    form = ReportCommentsForm(request.POST if request.method == "POST" else None, year=year)
    if request.method == "POST" and form.is_valid():
        form.save(request.user)
        if "build" in request.POST:
            enqueue_on_commit(build_report, year)
            messages.success(
                request, _("Commentaires enregistrés ; une nouvelle version du rapport est en construction.")
            )
        else:
            messages.success(request, _("Commentaires enregistrés."))
        return redirect(f"{request.path}?annee={year}")
    versions = ReportVersion.objects.filter(year=year).order_by("-version")
    return render(
        request,
        "observatoire/report_edit.html",
        {"form": form, "year": year, "versions": versions, "sections": ReportSection},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(can_administer_observatoire)
@require_http_methods(["GET", "POST"])
def population_import_view(request):
    form = PopulationImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "populations": CommunePopulation.objects.all()[:200]}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            dataset = population_dataset(form.cleaned_data["content"], form.cleaned_data["format"])
        except ValidationError as error:
            form.add_error("file", error)
            status = 400
        else:
            result = population_import(dataset=dataset, year=form.cleaned_data["annee"], dry_run=False)
            report = documents.import_report(result)
            context["report"] = report
            if result.has_errors() or result.has_validation_errors():
                status = 400
                messages.error(request, _("Le fichier n'a pas été importé : corrigez les lignes signalées."))
            else:
                messages.success(request, _("Import terminé : %(count)s commune(s).") % {"count": len(report)})
    elif request.method == "POST":
        status = 400
    return render(request, "observatoire/population_import.html", context, status=status)


@allowed_if(can_administer_observatoire)
@require_http_methods(["GET", "POST"])
def guide_admin(request):
    if request.method == "POST":
        documents.guide_mark_stale()
        messages.success(request, _("Une nouvelle construction du guide est demandée."))
        return redirect("observatoire:guide_admin")
    guides = documents.guide_states()
    building = any(guide.state in (BuildState.QUEUED, BuildState.BUILDING) for guide in guides)
    return render(request, "observatoire/guide_admin.html", {"guides": guides, "building": building})


@allowed_if(can_administer_observatoire)
@require_http_methods(["GET", "POST"])
def sharing(request):
    current = ObservatoireSettings.current()
    form = SharingForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        sharing_set(enabled=form.cleaned_data["share_with_departement"])
        messages.success(request, _("Réglage enregistré."))
        return redirect("observatoire:sharing")
    return render(
        request, "observatoire/sharing.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_not_required
@require_GET
def guide_pdf(request):
    """The public guide of the collectivité: the last complete file, or 503 while the first build runs."""
    language = "en" if (request.GET.get("langue") or get_language() or "fr").startswith("en") else "fr"
    guide = documents.guide_current(language)
    if guide is None:
        response = HttpResponse(
            _("Le guide est en cours de préparation : réessayez dans une minute."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "30"
        return response
    return FileResponse(guide.file.open("rb"), filename=f"guide-petite-enfance-{language}.pdf")


# --- Directors: arrivals and departures --------------------------------------------------------------------------


@allowed_if(can_record_stays)
@require_GET
def stays(request):
    establishments = Establishment.objects.directed_by(request.user)
    awaiting = (
        Offer.objects.filter(establishment__in=establishments, status=OfferStatus.ACCEPTED, stay__isnull=True)
        .select_related("application__child", "establishment", "section")
        .order_by("application__desired_start", "pk")
    )
    present = (
        Stay.objects.filter(establishment__in=establishments, left_on__isnull=True)
        .select_related("offer__application__child", "establishment")
        .order_by("establishment__name", "arrived_on", "pk")
    )
    page = Paginator(present, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "observatoire/stays.html",
        {
            "awaiting": awaiting[:100],
            "page": page,
            "arrival_form": ArrivalForm(),
            "departure_form": DepartureForm(),
        },
    )


@allowed_if(can_record_stays)
@require_POST
def stay_arrival(request, offer_pk):
    offer = get_object_or_404(Offer.objects.select_related("establishment"), pk=offer_pk)
    if not can_record_stays(request.user, offer.establishment):
        raise Http404
    form = ArrivalForm(request.POST)
    if form.is_valid():
        try:
            stay_confirm_arrival(offer=offer, arrived_on=form.cleaned_data["arrived_on"], user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("observatoire:stays")
        messages.success(request, _("Arrivée enregistrée."))
    else:
        messages.error(request, _("Indiquez une date d'arrivée valide."))
    return redirect("observatoire:stays")


@allowed_if(can_record_stays)
@require_POST
def stay_departure(request, stay_pk):
    stay = get_object_or_404(Stay.objects.select_related("establishment"), pk=stay_pk)
    if not can_record_stays(request.user, stay.establishment):
        raise Http404
    form = DepartureForm(request.POST)
    if form.is_valid():
        try:
            stay_record_departure(
                stay=stay, left_on=form.cleaned_data["left_on"], reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("observatoire:stays")
        messages.success(request, _("Départ enregistré."))
    else:
        messages.error(request, _("Indiquez la date et le motif du départ."))
    return redirect("observatoire:stays")
