"""Pages of the ateliers: the public programme and its feed, an AM's (or a parent's) registrations, and the
relais' planning and attendance."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.decorators import allowed_if
from portal.models import Collectivite
from portal.workflows import TransitionError
from rpe import perms
from rpe.ateliers import feeds, services
from rpe.ateliers.enums import FAMILY_KINDS, SEAT_STATUSES, AtelierKind, RegistrationStatus
from rpe.ateliers.forms import AtelierForm, ProgrammeFilterForm, ProgrammeForm, RegistrationForm
from rpe.models.ateliers import Atelier, Registration
from rpe.relais_choice import chosen_relais

FEED_DAYS = 366


def visible_ateliers(user):
    """Ateliers the visitor may see in the programme: all for AM and staff, those open to families otherwise."""
    ateliers = Atelier.objects.filter(cancelled_at__isnull=True)
    return ateliers if perms.sees_every_atelier(user) else ateliers.filter(kind__in=FAMILY_KINDS)


def month_param(request):
    try:
        return datetime.date.fromisoformat(request.GET.get("mois", "") + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


def filtered(request, ateliers):
    kinds = list(AtelierKind) if perms.sees_every_atelier(request.user) else sorted(FAMILY_KINDS)
    names = Collectivite.current_commune_names()
    form = ProgrammeFilterForm(request.GET or None, kinds=kinds, communes=sorted(names.items(), key=lambda c: c[1]))
    if form.is_valid():
        if form.cleaned_data["kind"]:
            ateliers = ateliers.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["commune"]:
            ateliers = ateliers.filter(code_insee=form.cleaned_data["commune"])
    return form, ateliers


@login_not_required
@require_GET
def programme(request):
    """The year's programme, one month a page, open to anyone (families see the ateliers open to them)."""
    month = month_param(request)
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    previous_month = (month - datetime.timedelta(days=1)).replace(day=1)
    form, ateliers = filtered(request, visible_ateliers(request.user))
    ateliers = (
        ateliers.filter(start__date__gte=month, start__date__lt=next_month)
        .with_seats_taken()
        .select_related("lieu")
        .order_by("start", "id")
    )
    querystring = request.GET.copy()
    querystring.pop("mois", None)
    return render(
        request,
        "rpe/ateliers/programme.html",
        {
            "form": form,
            "ateliers": ateliers,
            "month": month,
            "next_month": next_month,
            "previous_month": previous_month,
            "filters": querystring.urlencode(),
            "communes": Collectivite.current_commune_names(),
            "can_register": perms.can_register_to_ateliers(request.user),
        },
    )


@login_not_required
@require_GET
def programme_ics(request):
    """The coming year's programme as a calendar to subscribe to (same filters as the page)."""
    today = timezone.localdate()
    _form, ateliers = filtered(request, visible_ateliers(request.user))
    ateliers = ateliers.filter(start__date__gte=today, start__date__lte=today + datetime.timedelta(days=FEED_DAYS))
    body = feeds.programme_calendar(
        ateliers.order_by("start", "id"),
        name=_("Ateliers du relais petite enfance — %(name)s") % {"name": connection.tenant.name},
        domain=request.get_host().split(":")[0],
        commune_names=Collectivite.current_commune_names(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ateliers.ics"'
    return response


@login_not_required
@require_GET
def atelier_detail(request, pk):
    atelier = get_object_or_404(visible_ateliers(request.user).select_related("lieu"), pk=pk)
    mine = None
    if perms.can_register_to_ateliers(request.user):
        mine = services.Registrant.of(request.user).registrations().live().filter(atelier=atelier).first()
    free_adults, free_children = atelier.free_seats()
    return render(
        request,
        "rpe/ateliers/detail.html",
        {
            "atelier": atelier,
            "mine": mine,
            "mine_waiting": mine is not None and mine.status == RegistrationStatus.WAITING,
            "free_adults": free_adults,
            "free_children": free_children,
            "commune": Collectivite.current_commune_names().get(atelier.code_insee, ""),
            "form": RegistrationForm(),
            "can_register": perms.can_register_to_ateliers(request.user),
            "is_open": atelier.start > timezone.now(),
            "waiting": atelier.registrations.filter(status=RegistrationStatus.WAITING).count(),
        },
    )


@allowed_if(perms.can_register_to_ateliers)
@require_POST
def register(request, pk):
    atelier = get_object_or_404(visible_ateliers(request.user), pk=pk)
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez un nombre d'enfants entre 0 et %(max)s.") % {"max": services.MAX_CHILDREN})
        return redirect("rpe:atelier_detail", pk=atelier.pk)
    person = services.Registrant.of(request.user)
    try:
        registration = services.registration_create(
            atelier_id=atelier.pk,
            children=form.cleaned_data["children"],
            user=person.user,
            assistant=person.assistant,
            actor=person.actor,
            by=request.user,
        )
    except services.RegistrationRefused as error:
        messages.error(request, str(error))
        return redirect("rpe:atelier_detail", pk=atelier.pk)
    if registration.status == RegistrationStatus.REGISTERED:
        messages.success(request, _("Vous êtes inscrit·e. Un courriel de confirmation vous est envoyé."))
    else:
        messages.info(
            request,
            _(
                "L'atelier est complet : vous êtes sur la liste d'attente. Si une place se libère, vous serez "
                "inscrit·e et prévenu·e par courriel."
            ),
        )
    return redirect("rpe:my_ateliers")


@allowed_if(perms.can_register_to_ateliers)
@require_POST
def unregister(request, pk):
    person = services.Registrant.of(request.user)
    registration = get_object_or_404(
        person.registrations().filter(status__in=services.CANCELLABLE).select_related("atelier"), atelier_id=pk
    )
    try:
        services.registration_cancel(registration, actor=person.actor, user=request.user)
    except (services.RegistrationRefused, TransitionError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Votre inscription est annulée."))
    return redirect("rpe:my_ateliers")


@allowed_if(perms.can_register_to_ateliers)
@require_GET
def my_ateliers(request):
    registrations = (
        services.Registrant.of(request.user)
        .registrations()
        .select_related("atelier", "atelier__lieu")
        .order_by("-atelier__start", "-id")
    )
    now = timezone.now()
    page = Paginator(registrations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "rpe/ateliers/mine.html",
        {
            "page": page,
            "now": now,
            "communes": Collectivite.current_commune_names(),
            "cancellable": services.CANCELLABLE,
        },
    )


# --- The relais' side -----------------------------------------------------------------------------------------


@allowed_if(perms.can_run_ateliers)
@require_GET
def staff_list(request):
    relais, choices = chosen_relais(request)
    past = request.GET.get("passes") == "1"
    now = timezone.now()
    ateliers = Atelier.objects.filter(relais=relais)
    ateliers = (
        ateliers.filter(start__lt=now).order_by("-start", "-id")
        if past
        else ateliers.filter(start__gte=now).order_by("start", "id")
    )
    ateliers = ateliers.with_seats_taken().select_related("lieu")
    page = Paginator(ateliers, 50).get_page(request.GET.get("page"))
    waiting = dict(
        Registration.objects.filter(atelier__in=[atelier.pk for atelier in page], status=RegistrationStatus.WAITING)
        .values_list("atelier")
        .annotate(n=Count("pk"))
    )
    return render(
        request,
        "rpe/ateliers/staff_list.html",
        {
            "relais": relais,
            "choices": choices,
            "page": page,
            "past": past,
            "waiting": waiting,
            "communes": Collectivite.current_commune_names(),
            "querystring": f"relais={relais.pk}" + ("&passes=1" if past else ""),
        },
    )


def staff_atelier(request, pk):
    atelier = get_object_or_404(Atelier.objects.select_related("lieu", "relais"), pk=pk)
    if not perms.can_run_ateliers(request.user, atelier.relais):
        raise Http404
    return atelier


@allowed_if(perms.can_run_ateliers)
@require_GET
def staff_detail(request, pk):
    return staff_detail_page(request, staff_atelier(request, pk))


def staff_detail_page(request, atelier, *, error=None, status=200):
    registrations = atelier.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related(
        "user", "assistant"
    )
    seated = [registration for registration in registrations if registration.status in SEAT_STATUSES]
    waiting = [registration for registration in registrations if registration.status == RegistrationStatus.WAITING]
    adults, children = atelier.seats_taken()
    return render(
        request,
        "rpe/ateliers/staff_detail.html",
        {
            "atelier": atelier,
            "seated": seated,
            "waiting": waiting,
            "adults": adults,
            "children": children,
            "commune": Collectivite.current_commune_names().get(atelier.code_insee, ""),
            "attendance_open": timezone.localdate(atelier.start) <= timezone.localdate(),
            "error": error,
        },
        status=status,
    )


@allowed_if(perms.can_run_ateliers)
@require_POST
def attendance(request, pk):
    """The attendance sheet: a box per registered person and the number of children she brought."""
    atelier = staff_atelier(request, pk)
    present = {}
    for registration in atelier.registrations.filter(status__in=SEAT_STATUSES):
        if request.POST.get(f"present-{registration.pk}"):
            raw = request.POST.get(f"children-{registration.pk}", "") or "0"
            if not raw.isdigit() or int(raw) > services.MAX_CHILDREN:
                error = _("Nombre d'enfants invalide pour %(name)s.") % {"name": registration.person_name}
                return staff_detail_page(request, atelier, error=error, status=400)
            present[registration.pk] = int(raw)
    try:
        services.attendance_record(atelier, present=present, user=request.user)
    except services.RegistrationRefused as error:
        return staff_detail_page(request, atelier, error=str(error), status=409)
    messages.success(request, _("Présences enregistrées."))
    return redirect("rpe:staff_atelier", pk=atelier.pk)


@allowed_if(perms.can_run_ateliers)
@require_http_methods(["GET", "POST"])
def staff_create(request):
    relais, choices = chosen_relais(request)
    form = AtelierForm(request.POST or None, relais=relais)
    if request.method == "POST" and form.is_valid():
        atelier = form.save()
        messages.success(request, _("Atelier ajouté au programme."))
        return redirect("rpe:staff_atelier", pk=atelier.pk)
    return render(
        request,
        "rpe/ateliers/staff_form.html",
        {"form": form, "relais": relais, "programme": False},
        status=400 if request.method == "POST" else 200,
    )


@allowed_if(perms.can_run_ateliers)
@require_http_methods(["GET", "POST"])
def programme_create(request):
    relais, choices = chosen_relais(request)
    form = ProgrammeForm(request.POST or None, relais=relais)
    if request.method == "POST" and form.is_valid():
        programme_obj = form.save()
        created = services.programme_generate(programme_obj)
        messages.success(request, _("Programme créé : %(n)s ateliers ajoutés.") % {"n": created})
        return redirect(reverse("rpe:staff_ateliers") + f"?relais={relais.pk}")
    return render(
        request,
        "rpe/ateliers/staff_form.html",
        {"form": form, "relais": relais, "programme": True},
        status=400 if request.method == "POST" else 200,
    )
