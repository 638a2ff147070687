import secrets
import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Min, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commissions.models import Session
from creches import fees
from creches.forms import (
    CatalogueFilterForm,
    EstablishmentForm,
    FeeScaleForm,
    ImportForm,
    PlaceOpeningForm,
    SectionFormSet,
    SimulatorForm,
    StaffEstablishmentFilterForm,
)
from creches.models import Establishment, FeeScale, PlaceOpening
from creches.perms import (
    can_declare_places,
    can_import_establishments,
    can_manage_establishments,
    can_manage_fee_scales,
    can_see_place_openings,
)
from creches.services import (
    ImportRefused,
    establishment_save,
    establishments_dataset,
    establishments_export,
    establishments_import,
    establishments_import_check,
    fee_scale_save,
    place_opening_declare,
)
from portal.caching import public_page
from portal.decorators import allowed_if
from portal.downloads import file_response
from rpe.search import territory_counts

CATALOGUE_PAGE_SIZE = 12
STAFF_PAGE_SIZE = 25
IMPORT_CACHE_SECONDS = 30 * 60
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def querystring_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def catalogue_queryset():
    return Establishment.objects.active().annotate(
        places=Sum("sections__capacity"),
        youngest=Min("sections__min_age_months"),
        oldest=Max("sections__max_age_months"),
    )


# --- Public pages ------------------------------------------------------------------------------


def alphabetical(name):
    """French dictionary order: accents and case do not move a name (Saint-Étienne before Saint-Paul)."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()


def territory_communes(collectivite):
    """Every commune of the territory, whether or not a crèche stands there (and any where one does)."""
    with_offer = Establishment.objects.active().values_list("commune", flat=True).distinct()
    return sorted({commune.name for commune in collectivite.territory()} | set(with_offer), key=alphabetical)


@public_page
@login_not_required
@require_GET
def catalogue(request):
    """Every crèche of the territory, filtered by what a family needs.

    A commune with nothing that matches gets the nearest établissements of the territory instead,
    nearest first, measured from its centre.
    """
    collectivite = request.tenant
    form = CatalogueFilterForm(request.GET or None, communes=territory_communes(collectivite))
    establishments = catalogue_queryset().order_by("commune", "name")
    nearest_from = None
    if form.is_bound and form.is_valid():
        commune = form.cleaned_data.get("commune")
        centre = collectivite.commune_centre(commune) if commune else None
        matching = form.filter(establishments)
        if centre is not None and not matching.exists():
            nearest_from = commune
            matching = form.filter(establishments, by_commune=False).nearest_to(centre)
        establishments = matching
    elif form.is_bound:
        establishments = establishments.none()
    page = Paginator(establishments, CATALOGUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "creches/catalogue.html",
        {
            "form": form,
            "page": page,
            "nearest_from": nearest_from,
            "querystring": querystring_without_page(request),
        },
    )


@public_page
@login_not_required
@require_GET
def establishment_detail(request, slug):
    establishment = get_object_or_404(Establishment.objects.active().prefetch_related("sections"), slug=slug)
    sections = list(establishment.sections.all())
    return render(
        request,
        "creches/establishment_detail.html",
        {
            "establishment": establishment,
            "sections": sections,
            "places": sum(section.capacity for section in sections),
            "map_points": map_points([establishment]),
            "map_communes": map_communes(request.tenant),
            "map_tiles_url": getattr(settings, "MAP_TILES_URL", ""),
            "can_declare": can_declare_places(request.user, establishment),
            "can_manage": can_manage_establishments(request.user),
        },
    )


def map_communes(collectivite):
    """The territory's communes with a known centre: the map's background when no tile server is set."""
    catalogue_url = reverse("creches:catalogue")
    return [
        {
            "name": commune.name,
            "lat": commune.latitude,
            "lon": commune.longitude,
            "url": f"{catalogue_url}?{urlencode({'commune': commune.name})}",
        }
        for commune in collectivite.territory()
        if commune.latitude is not None
    ]


def map_points(establishments):
    return [
        {
            "name": establishment.name,
            "url": establishment.get_absolute_url(),
            "type": str(establishment.get_type_display()),
            "commune": establishment.commune,
            "address": establishment.address,
            "places": getattr(establishment, "places", None),
            "lat": float(establishment.latitude),
            "lon": float(establishment.longitude),
        }
        for establishment in establishments
        if establishment.latitude is not None and establishment.longitude is not None
    ]


def individual_care_points(am_communes, mams, collectivite):
    """The MAM (their own address) and, per commune, how many assistants maternels: every mode on one map."""
    search_url = reverse("rpe:am_search")
    names = collectivite.commune_names()
    points = [
        {
            "name": mam.name,
            "url": f"{search_url}?{urlencode({'commune': mam.code_insee})}",
            "type": str(_("maison d'assistants maternels (MAM)")),
            "commune": names.get(mam.code_insee, mam.code_insee),
            # Its members' addresses may be unpublished: the MAM is placed by its commune, not its street.
            "address": names.get(mam.code_insee, mam.code_insee),
            "lat": mam.latitude and round(mam.latitude, 2),
            "lon": mam.longitude and round(mam.longitude, 2),
        }
        for mam in mams
        if mam.latitude is not None
    ]
    points += [
        {
            "name": _("%(count)d assistant·es maternel·les") % {"count": row["am"]},
            "url": f"{search_url}?{urlencode({'commune': row['code_insee']})}",
            "type": str(_("assistant·es maternel·les")),
            "commune": row["name"],
            "address": _("centre de la commune"),
            "lat": row["lat"],
            "lon": row["lon"],
        }
        for row in am_communes
        if row["lat"] is not None
    ]
    return points


@public_page
@login_not_required
@require_GET
def map_view(request):
    """Every mode of care of the territory on a map, and the same list as text (no JavaScript needed)."""
    establishments = list(catalogue_queryset().order_by("commune", "name"))
    am_communes, mams = territory_counts(request.tenant)
    return render(
        request,
        "creches/map.html",
        {
            "establishments": establishments,
            "am_communes": am_communes,
            "mams": mams,
            "map_points": map_points(establishments) + individual_care_points(am_communes, mams, request.tenant),
            "map_communes": map_communes(request.tenant),
            "map_tiles_url": getattr(settings, "MAP_TILES_URL", ""),
        },
    )


@public_page
@login_not_required
@require_GET
def parcours(request):
    """From search to admission, every mode of care in plain words, the aids, the commission calendar."""
    commission_dates = Session.objects.upcoming(timezone.localdate()).values_list("date", flat=True)[:6]
    return render(request, "creches/parcours.html", {"commission_dates": commission_dates})


@login_not_required
@require_GET
def simulator(request):
    """What a crèche (PSU) or an assistant maternel (CMG deducted) would cost a family each month."""
    # A micro-crèche's page links here with its hourly rate only: a form to fill, not errors.
    if set(request.GET) == {"paje_hourly_rate"}:
        form = SimulatorForm(initial={"paje_hourly_rate": request.GET["paje_hourly_rate"]})
    else:
        form = SimulatorForm(request.GET or None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        day = data["start_date"] or timezone.localdate()
        version = FeeScale.objects.in_force_on(day)
        context.update({"day": day, "version": version})
        if version is not None:
            scale = version.as_scale()
            common = {
                "annual_resources": data["annual_resources"],
                "children": data["children"],
                "aeeh_children": data["aeeh_children"],
                "hours_per_week": data["hours_per_week"],
                "weeks_per_year": data["weeks_per_year"],
            }
            context["psu"] = fees.psu_estimate(scale, **common)
            if data["hourly_wage"]:
                context["cmg"] = fees.cmg_estimate(scale, hourly_wage=data["hourly_wage"], **common)
            if data["paje_hourly_rate"]:
                context["paje"] = fees.paje_estimate(
                    scale,
                    annual_resources=data["annual_resources"],
                    children=data["children"],
                    hours_per_week=data["hours_per_week"],
                    weeks_per_year=data["weeks_per_year"],
                    hourly_rate=data["paje_hourly_rate"],
                    child_over_3=data["child_over_3"],
                )
    fragment = request.htmx and not request.htmx.history_restore_request
    template = "creches/includes/simulation_result.html" if fragment else "creches/simulator.html"
    return render(request, template, context)


# --- Establishments (staff) ----------------------------------------------------------------------


def staff_establishments(request):
    form = StaffEstablishmentFilterForm(request.GET or None)
    establishments = Establishment.objects.annotate(places=Sum("sections__capacity")).order_by("commune", "name")
    if form.is_bound and form.is_valid():
        establishments = form.filter(establishments)
    return form, establishments


@allowed_if(can_manage_establishments)
@require_GET
def establishment_list(request):
    form, establishments = staff_establishments(request)
    page = Paginator(establishments, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "creches/staff/establishment_list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_import": can_import_establishments(request.user),
        },
    )


def invalid_post_status(request):
    """A POST that comes back to its form was refused: 400, so that clients and HTMX know it."""
    return 400 if request.method == "POST" else 200


def kept_and_changed(section_form):
    return section_form.has_changed() and not section_form.cleaned_data.get("DELETE")


def establishment_edit_page(request, establishment=None):
    form = EstablishmentForm(request.POST or None, instance=establishment)
    sections = SectionFormSet(request.POST or None, instance=establishment or Establishment(), prefix="sections")
    if request.method == "POST":
        # The formset checks the sum of sections against the capacity being submitted.
        form_valid = form.is_valid()
        sections.instance = form.instance
        if form_valid and sections.is_valid():
            saved = establishment_save(
                establishment=form.instance,
                directors=form.cleaned_data["directors"],
                sections=[section.instance for section in sections.forms if kept_and_changed(section)],
                removed_sections=[section.instance for section in sections.deleted_forms if section.instance.pk],
            )
            messages.success(request, _("L'établissement « %(name)s » est enregistré.") % {"name": saved.name})
            return redirect("creches:establishment_edit", slug=saved.slug)
    return render(
        request,
        "creches/staff/establishment_form.html",
        {"form": form, "sections": sections, "establishment": establishment},
        status=invalid_post_status(request),
    )


@allowed_if(can_manage_establishments)
@require_http_methods(["GET", "POST"])
def establishment_create(request):
    return establishment_edit_page(request)


@allowed_if(can_manage_establishments)
@require_http_methods(["GET", "POST"])
def establishment_edit(request, slug):
    return establishment_edit_page(request, get_object_or_404(Establishment, slug=slug))


@allowed_if(can_import_establishments)
@require_GET
def establishment_export(request, file_format):
    if file_format not in EXPORT_FORMATS:
        raise Http404
    _form, establishments = staff_establishments(request)
    content = establishments_export(establishments, file_format)
    if file_format == "csv":
        # A BOM so that spreadsheets open the accents right.
        content = "\ufeff" + content
    stamp = timezone.localdate().isoformat()
    return file_response(
        content,
        filename=f"etablissements-{stamp}.{file_format}",
        content_type=EXPORT_FORMATS[file_format],
        personal=False,  # the establishments' public details
    )


def import_cache_key(request, token):
    return f"creches:import:{request.user.pk}:{token}"


@allowed_if(can_import_establishments)
@require_http_methods(["GET", "POST"])
def establishment_import(request):
    """Check the file row by row first; import only a file without a single problem, all at once."""
    if request.method == "POST" and "token" in request.POST:
        stored = cache.get(import_cache_key(request, request.POST["token"]))
        if stored is None:
            messages.error(request, _("Le fichier vérifié n'est plus disponible : déposez-le à nouveau."))
            return redirect("creches:establishment_import")
        try:
            created, updated = establishments_import(dataset=establishments_dataset(*stored))
        except ImportRefused as refused:
            return render(
                request, "creches/staff/import.html", {"form": ImportForm(), "problems": refused.problems}, status=400
            )
        cache.delete(import_cache_key(request, request.POST["token"]))
        messages.success(
            request,
            _("Import terminé : %(created)s établissement(s) créé(s), %(updated)s mis à jour.")
            % {"created": created, "updated": updated},
        )
        return redirect("creches:establishment_list")

    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        content, file_format = form.cleaned_data["content"], form.cleaned_data["format"]
        try:
            dataset = establishments_dataset(content, file_format)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            problems, created, updated = establishments_import_check(dataset=dataset)
            context.update({"checked": True, "problems": problems, "created": created, "updated": updated})
            if not problems:
                token = secrets.token_urlsafe(16)
                cache.set(import_cache_key(request, token), (content, file_format), IMPORT_CACHE_SECONDS)
                context["token"] = token
    refused = request.method == "POST" and (form.errors or context.get("problems"))
    return render(request, "creches/staff/import.html", context, status=400 if refused else 200)


# --- Places that open ---------------------------------------------------------------------------


@allowed_if(can_see_place_openings)
@require_GET
def opening_list(request):
    openings = (
        PlaceOpening.objects.visible_to(request.user)
        .with_related()
        .order_by("-available_from", "section__establishment")
    )
    page = Paginator(openings, STAFF_PAGE_SIZE).get_page(request.GET.get("page"))
    establishments = Establishment.objects.declarable_by(request.user).order_by("commune", "name")
    return render(
        request,
        "creches/staff/opening_list.html",
        {"page": page, "establishments": establishments},
    )


def establishment_by_slug(request, slug):
    return get_object_or_404(Establishment, slug=slug)  # the catalogue is public: anyone may know it exists


@allowed_if(can_declare_places)
@require_http_methods(["GET", "POST"])
@allowed_if(can_declare_places, obj=establishment_by_slug)
def opening_declare(request, establishment):
    form = PlaceOpeningForm(request.POST or None, establishment=establishment)
    if request.method == "POST" and form.is_valid():
        opening = place_opening_declare(declared_by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(count)s place(s) déclarée(s) en « %(section)s » à partir du %(date)s.")
            % {
                "count": opening.count,
                "section": opening.section.name,
                "date": opening.available_from.strftime("%d/%m/%Y"),
            },
        )
        return redirect("creches:opening_declare", slug=establishment.slug)
    openings = (
        PlaceOpening.objects.visible_to(request.user).with_related().filter(section__establishment=establishment)
    )
    return render(
        request,
        "creches/staff/opening_declare.html",
        {
            "establishment": establishment,
            "form": form,
            "sections": establishment.sections.all(),
            "openings": openings.order_by("-available_from")[:100],
        },
        status=invalid_post_status(request),
    )


# --- Fee scale ----------------------------------------------------------------------------------


@allowed_if(can_manage_fee_scales)
@require_http_methods(["GET", "POST"])
def fee_scale_list(request):
    """The versions of the barème; a change is always a new version with a later date."""
    today = timezone.localdate()
    latest = FeeScale.objects.latest_version()
    initial = {}
    if latest is not None:
        initial = {name: getattr(latest, name) for name in FeeScaleForm.Meta.fields if name != "valid_from"}
    form = FeeScaleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        scale = fee_scale_save(scale=form.instance, created_by=request.user)
        messages.success(request, _("Nouvelle version du barème enregistrée : %(scale)s.") % {"scale": scale})
        return redirect("creches:fee_scale_list")
    in_force = FeeScale.objects.in_force_on(today)
    return render(
        request,
        "creches/staff/fee_scale_list.html",
        {"form": form, "versions": FeeScale.objects.all(), "in_force": in_force, "today": today},
        status=invalid_post_status(request),
    )


@allowed_if(can_manage_fee_scales)
@require_http_methods(["GET", "POST"])
def fee_scale_edit(request, pk):
    scale = get_object_or_404(FeeScale, pk=pk)
    if scale.valid_from <= timezone.localdate():
        messages.error(request, _("Une version déjà en vigueur ne se modifie pas : créez-en une nouvelle."))
        return redirect("creches:fee_scale_list")
    form = FeeScaleForm(request.POST or None, instance=scale)
    if request.method == "POST" and form.is_valid():
        fee_scale_save(scale=form.instance, created_by=request.user)
        messages.success(request, _("Version du barème mise à jour."))
        return redirect("creches:fee_scale_list")
    return render(
        request,
        "creches/staff/fee_scale_form.html",
        {"form": form, "scale": scale},
        status=invalid_post_status(request),
    )
