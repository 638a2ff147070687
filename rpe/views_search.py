"""The assistant-maternel search (public), contact requests and saved searches (families), the AM's inbox.

Whatever a page shows of an AM comes from rpe.publication.am_data: a field she did not publish never reaches
a family or a visitor, in the list, the map data or the detail page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from creches.views import map_communes
from portal.decorators import allowed_if
from rpe import contacts
from rpe.forms_search import ContactAnswerForm, ContactForm, SavedSearchForm, SearchForm
from rpe.models import AssistantMaternel, ContactRequest
from rpe.perms import (
    am_of,
    can_answer_contacts,
    can_contact_am,
    can_save_searches,
    own_contacts,
    own_saved_searches,
)
from rpe.publication import am_data, directory_queryset
from rpe.search import Criteria, search_page

PAGE_SIZE = 20


def map_point(item):
    return {
        "name": item["display_name"],
        "url": reverse("rpe:am_public", args=[item["id"]]),
        "type": str(_("assistant·e maternel·le")),
        "commune": item["commune"],
        "address": item.get("address") or str(_("localisation approximative")),
        "lat": item["latitude"],
        "lon": item["longitude"],
    }


def published_items(ams, viewer, collectivite):
    names = collectivite.commune_name
    return [am_data(am, viewer, commune_name=names) for am in ams]


@login_not_required
@require_GET
def am_search(request):
    """Find an assistant maternel: by commune or distance, the child's age on a date, half-days, needs."""
    form = SearchForm(request.GET or None, collectivite=request.tenant)
    criteria = form.criteria() if form.is_bound and form.is_valid() else Criteria()
    searched = form.is_bound and form.is_valid()
    ams = search_page(criteria) if not form.is_bound or searched else AssistantMaternel.objects.none()
    page = Paginator(ams, PAGE_SIZE).get_page(request.GET.get("page"))
    items = published_items(page.object_list, request.user, request.tenant)
    for item, am in zip(items, page.object_list, strict=True):
        item["distance_km"] = getattr(am, "distance_km", None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rpe/search/search.html",
        {
            "form": form,
            "page": page,
            "items": items,
            "located": form.located,
            "map_points": [map_point(item) for item in items if item["latitude"] is not None],
            "map_communes": map_communes(request.tenant),
            "map_tiles_url": getattr(settings, "MAP_TILES_URL", ""),
            "querystring": query.urlencode(),
            "criteria_json": criteria.as_json() if searched else None,
            "can_save": searched and can_save_searches(request.user),
            "save_form": SavedSearchForm(),
        },
    )


def listed_am(pk):
    return get_object_or_404(directory_queryset(AssistantMaternel.objects.listed()), pk=pk)


@login_not_required
@require_GET
def am_detail(request, pk):
    am = listed_am(pk)
    item = am_data(am, request.user, commune_name=request.tenant.commune_name)
    return render(
        request,
        "rpe/search/detail.html",
        {
            "am": item,
            "map_points": [map_point(item)] if item["latitude"] is not None else [],
            "map_communes": map_communes(request.tenant),
            "map_tiles_url": getattr(settings, "MAP_TILES_URL", ""),
            "contact_form": ContactForm() if can_contact_am(request.user) else None,
            "sign_in_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        },
    )


@allowed_if(can_contact_am)
@require_http_methods(["GET", "POST"])
def am_contact(request, pk):
    am = listed_am(pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contacts.contact_send(
                author=request.user,
                am=am,
                message=form.cleaned_data["message"],
                start_date=form.cleaned_data.get("start_date"),
                child_age_months=form.cleaned_data.get("child_age_months"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre demande de contact est envoyée. La réponse arrivera ici."))
            return redirect("rpe:family_contact_list")
    item = am_data(am, request.user, commune_name=request.tenant.commune_name)
    return render(
        request, "rpe/search/contact.html", {"am": item, "form": form}, status=400 if request.method == "POST" else 200
    )


@allowed_if(can_contact_am)
@require_GET
def family_contact_list(request):
    rows = own_contacts(request.user).select_related("am").prefetch_related("am__places__availability")
    names = request.tenant.commune_name
    items = [(contact, am_data(contact.am, request.user, commune_name=names)) for contact in rows[:100]]
    return render(request, "rpe/search/family_contacts.html", {"items": items})


@allowed_if(can_save_searches)
@require_http_methods(["GET", "POST"])
def saved_search_list(request):
    form = SavedSearchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        search_form = SearchForm(request.POST, collectivite=request.tenant)
        if form.is_valid() and search_form.is_valid():
            try:
                contacts.saved_search_create(
                    owner=request.user, criteria=search_form.criteria(), label=form.cleaned_data["label"]
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Recherche enregistrée : vous serez averti·e par courriel."))
            return redirect("rpe:saved_search_list")
        form.add_error(None, _("Donnez un nom à la recherche et vérifiez ses critères."))
    searches = [(saved, saved_search_url(saved)) for saved in own_saved_searches(request.user)]
    return render(
        request,
        "rpe/search/saved_searches.html",
        {"searches": searches, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(can_save_searches)
@require_POST
def saved_search_delete(request, pk):
    get_object_or_404(own_saved_searches(request.user), pk=pk).delete()
    messages.success(request, _("Recherche supprimée."))
    return redirect("rpe:saved_search_list")


def saved_search_url(saved):
    """The search page with a saved search's criteria filled in."""
    criteria = Criteria.from_json(saved.criteria)
    query = {
        "commune": criteria.code_insee,
        "latitude": criteria.latitude,
        "longitude": criteria.longitude,
        "radius_km": int(criteria.radius_km) if criteria.radius_km else None,
        "start_date": criteria.date.isoformat() if criteria.date else None,
        "age_months": criteria.age_months,
        "disability": "on" if criteria.disability else None,
    }
    pairs = [(key, value) for key, value in query.items() if value not in (None, "")]
    pairs += [("half_days", value) for value in criteria.half_days] + [("atypical", v) for v in criteria.atypical]
    return f"{reverse('rpe:am_search')}?{urlencode(pairs)}"


# --- The AM's inbox ---------------------------------------------------------------------------------------------


def my_am(request):
    am = am_of(request.user)
    if am is None:
        raise Http404(_("Aucune fiche d'assistante maternelle n'est liée à ce compte."))
    return am


@allowed_if(can_answer_contacts)
@require_GET
def am_contact_list(request):
    am = my_am(request)
    rows = ContactRequest.objects.filter(am=am).order_by("-created_at")[:100]
    return render(request, "rpe/search/am_contacts.html", {"contacts": rows, "form": ContactAnswerForm()})


@allowed_if(can_answer_contacts)
@require_POST
def am_contact_answer(request, pk):
    am = my_am(request)
    contact = get_object_or_404(ContactRequest.objects.filter(am=am), pk=pk)
    form = ContactAnswerForm(request.POST)
    if form.is_valid():
        try:
            contacts.contact_answer(
                contact=contact, am=am, answer=form.cleaned_data["answer"], has_place=form.cleaned_data["has_place"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Votre réponse est envoyée à la famille."))
            return redirect("rpe:am_contact_list")
    else:
        messages.error(request, _("Indiquez si vous avez une place et écrivez votre réponse."))
    return redirect("rpe:am_contact_list")
