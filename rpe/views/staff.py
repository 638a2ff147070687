"""The relais's pages: its assistants maternels, their files, the campaign board, families' requests."""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from families.models import Application
from portal.decorators import allowed_if
from portal.workflows import Actor, TransitionError
from rpe import geo
from rpe.board import campaign_board, deadline_choices
from rpe.enums import ActivityStatus, AvailabilityStatus, ChangedBy
from rpe.forms import AccountLinkForm, ActivityForm, AmProfileForm, StaffAmFilterForm
from rpe.models import STALE_AFTER, Availability
from rpe.perms import (
    can_edit_am_profile,
    can_import_agrements,
    can_manage_relais,
    can_use_relais_pages,
    relais_of,
    visible_to,
)
from rpe.publication import directory_queryset
from rpe.relais_tools import tools_for
from rpe.services import am_account_link, am_activity_set, am_profile_update
from rpe.views.availability import availability_page

PAGE_SIZE = 25


def commune_namer(request):
    return functools.partial(geo.commune_name, request.tenant)


@allowed_if(can_use_relais_pages)
@require_GET
def relais_home(request):
    relais = relais_of(request.user).annotate(
        am_count=Count("assistants_maternels", filter=Q(assistants_maternels__activity_status=ActivityStatus.ACTIVE))
    )
    return render(
        request,
        "rpe/directory/relais_home.html",
        {
            "relais_list": relais,
            "tools": tools_for(request.user),
            "can_import": can_import_agrements(request.user),
            "can_manage": can_manage_relais(request.user),
        },
    )


def filtered_ams(request, form):
    ams = visible_to(request.user)
    if not form.is_valid():
        return ams.none()
    data = form.cleaned_data
    if data.get("q"):
        ams = ams.filter(
            Q(last_name__icontains=data["q"]) | Q(first_name__icontains=data["q"]) | Q(agrement_number=data["q"])
        )
    if data.get("commune"):
        ams = ams.filter(code_insee=data["commune"])
    if data.get("relais"):
        ams = ams.filter(relais=data["relais"])
    ams = (
        ams.filter(activity_status=data["activity"])
        if data.get("activity")
        else ams.exclude(activity_status=ActivityStatus.ARCHIVED)
    )
    today = timezone.localdate()
    if data.get("freshness") == "free":
        free = Availability.objects.filter(place__am=OuterRef("pk")).exclude(status=AvailabilityStatus.NONE)
        ams = ams.filter(Exists(free))
    elif data.get("freshness") == "stale":
        ams = ams.filter(
            Q(availability_confirmed_on__isnull=True) | Q(availability_confirmed_on__lt=today - STALE_AFTER)
        )
    return ams


@allowed_if(can_use_relais_pages)
@require_GET
def am_list(request):
    relais = relais_of(request.user)
    form = StaffAmFilterForm(request.GET or None, collectivite=request.tenant, relais=relais)
    if not request.GET:
        form = StaffAmFilterForm({}, collectivite=request.tenant, relais=relais)
    ams = directory_queryset(filtered_ams(request, form)).ranked()
    page = Paginator(ams, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rpe/directory/am_list.html",
        {"form": form, "page": page, "querystring": query.urlencode(), "commune_name": commune_namer(request)},
    )


def staff_am(request, pk):
    """An AM of one of the user's relais, else 404 (never say an AM of another relais exists)."""
    return get_object_or_404(visible_to(request.user).select_related("relais", "mam", "user"), pk=pk)


@allowed_if(can_use_relais_pages)
@require_GET
def am_detail(request, pk):
    return detail_page(request, staff_am(request, pk))


def detail_page(request, am, activity_form=None, account_form=None, status=200):
    return render(
        request,
        "rpe/directory/am_detail.html",
        {
            "am": am,
            "places": am.places.select_related("availability"),
            "changes": am.availability_changes.select_related("user")[:20],
            "commune": geo.commune_name(request.tenant, am.code_insee),
            "activity_form": activity_form or ActivityForm(initial={"status": am.activity_status}),
            "account_form": account_form or AccountLinkForm(),
            "is_stale": am.is_stale(),
        },
        status=status,
    )


@allowed_if(can_use_relais_pages)
@require_http_methods(["GET", "POST"])
@allowed_if(can_edit_am_profile, obj=staff_am)
def am_edit(request, am):
    """The relais corrects an AM's profile on her behalf (e.g. after a phone call)."""
    return profile_page(request, am, staff=True)


def profile_page(request, am, *, staff, status=None):
    # An empty POST (nothing submitted) is not a profile with every field cleared: the form is shown again.
    submitted = request.method == "POST" and status is None and bool(request.POST)
    form = AmProfileForm(request.POST if submitted else None, instance=am)
    if submitted and form.is_valid():
        try:
            am_profile_update(am=am, changes={name: form.cleaned_data[name] for name in form.fields})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Profil enregistré."))
            return redirect("rpe:am_detail", pk=am.pk) if staff else redirect("rpe:my_profile")
    return render(
        request,
        "rpe/directory/profile_form.html",
        {"form": form, "am": am, "staff": staff, "ActivityStatus": ActivityStatus},
        status=status or (400 if request.method == "POST" else 200),
    )


@allowed_if(can_use_relais_pages)
@require_http_methods(["GET", "POST"])
def am_availability(request, pk):
    """The relais declares for an AM (she phoned in): logged as the relais's declaration."""
    am = staff_am(request, pk)
    return availability_page(request, am, changed_by=ChangedBy.RELAIS)


@allowed_if(can_use_relais_pages)
@require_POST
def am_activity(request, pk):
    am = staff_am(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid():
        try:
            am_activity_set(am=am, status=form.cleaned_data["status"], actor=Actor.STAFF, user=request.user)
        except TransitionError as error:
            form.add_error("status", error)
    if not form.is_valid():
        return detail_page(request, am, activity_form=form, status=400)
    status = ActivityStatus(form.cleaned_data["status"])
    messages.success(request, _("Activité mise à jour : %(status)s.") % {"status": status.label})
    return redirect("rpe:am_detail", pk=am.pk)


@allowed_if(can_use_relais_pages)
@require_GET
def availability_board(request):
    today = timezone.localdate()
    choices = deadline_choices(today)
    wanted = request.GET.get("echeance")
    deadline = next((d for d in choices if str(d) == wanted), choices[0])
    board = campaign_board(relais_of(request.user), deadline, commune_namer(request))
    return render(
        request,
        "rpe/directory/board.html",
        {"board": board, "choices": choices, "commune_name": commune_namer(request)},
    )


@allowed_if(can_use_relais_pages)
@require_GET
def family_requests(request):
    """Live requests of families living in the relais's communes (read only, to guide them)."""
    codes = sorted({code for relais in relais_of(request.user) for code in relais.communes})
    applications = (
        Application.objects.live()
        .filter(family__code_insee__in=codes)
        .select_related("family", "child")
        .order_by("desired_start", "number")
    )
    individual = request.GET.get("individuel") == "1"
    if individual:
        applications = applications.filter(Q(wants_assistant_maternel=True) | Q(wants_mam=True))
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "rpe/directory/family_requests.html",
        {"page": page, "individual": individual, "commune_name": commune_namer(request)},
    )


@allowed_if(can_use_relais_pages)
@require_POST
def am_account(request, pk):
    """Tie her profile to her account, so that she declares herself (her email as the account's)."""
    am = staff_am(request, pk)
    form = AccountLinkForm(request.POST)
    if form.is_valid():
        try:
            am_account_link(am=am, email=form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", error)
    if not form.is_valid():
        return detail_page(request, am, account_form=form, status=400)
    messages.success(request, _("Compte relié : elle peut déclarer ses disponibilités elle-même."))
    return redirect("rpe:am_detail", pk=am.pk)
