from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commissions import figures
from commissions.enums import CriterionKind, SessionStatus
from commissions.forms import (
    AdoptForm,
    CriterionForm,
    KindChoiceForm,
    RegulationCreateForm,
    RegulationForm,
    ReservationForm,
    criterion_initial_for_new,
)
from commissions.models import Criterion, Regulation, Reservation, Session
from commissions.perms import can_edit_regulation, can_manage_reservations
from commissions.services import (
    RegulationFrozen,
    criterion_delete,
    criterion_save,
    regulation_adopt,
    regulation_create,
    regulation_delete,
    regulation_update,
    reservation_delete,
    reservation_save,
)
from portal.caching import public_page
from portal.decorators import allowed_if

RESERVATIONS_PAGE_SIZE = 50


def public_reservations():
    return Reservation.objects.of_active_establishments().with_related()


# --- Public transparency ------------------------------------------------------------------------------------------


def past_sessions(limit=8):
    """Each validated session's figures (commissions.figures: read from its final decisions only)."""
    validated = Session.objects.filter(status=SessionStatus.VALIDATED).with_dossier_total()
    recent = list(validated.order_by("-date", "-pk")[:limit])
    by_id = figures.figures_for(recent)
    return [by_id[session.pk] for session in recent]


def transparency_page(request, regulation):
    versions = Regulation.objects.adopted().order_by("-adopted_on", "-version")
    return render(
        request,
        "commissions/transparency.html",
        {
            "regulation": regulation,
            "criteria": list(regulation.criteria.all()) if regulation else [],
            "in_force": Regulation.objects.in_force(),
            "today": timezone.localdate(),
            "versions": versions,
            "reservations": public_reservations(),
            "upcoming": Session.objects.upcoming(timezone.localdate()).only("date")[:6],
            "past_sessions": past_sessions(),
        },
    )


@public_page
@login_not_required
@require_GET
def transparency(request):
    """The grid in force in plain words, its history and the reserved places: what any family may check."""
    return transparency_page(request, Regulation.objects.in_force())


@login_not_required
@require_GET
def transparency_version(request, version):
    """An adopted version, current or past (drafts are never public)."""
    regulation = get_object_or_404(Regulation.objects.adopted(), version=version)
    return transparency_page(request, regulation)


# --- Règlement (administrator) ------------------------------------------------------------------------------------


def frozen_response(request, regulation, error=None):
    """Any change to an adopted version: refused, said in French, nothing written."""
    message = error.messages[0] if error is not None else RegulationFrozen(regulation).messages[0]
    return render(request, "commissions/staff/frozen.html", {"regulation": regulation, "message": message}, status=400)


def editable_regulation(version):
    return get_object_or_404(Regulation, version=version)


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def regulation_list(request):
    form = RegulationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        regulation = regulation_create(
            title=form.cleaned_data["title"], copy_from=form.cleaned_data["copy_from"], created_by=request.user
        )
        messages.success(request, _("Projet de version %(version)s créé.") % {"version": regulation.version})
        return redirect("commissions:regulation_detail", version=regulation.version)
    versions = Regulation.objects.annotate(criteria_count=Count("criteria")).order_by("-version")
    return render(
        request,
        "commissions/staff/regulation_list.html",
        {"form": form, "versions": versions, "in_force": Regulation.objects.in_force()},
        status=400 if form.errors else 200,
    )


@allowed_if(can_edit_regulation)
@require_GET
def regulation_detail(request, version):
    regulation = editable_regulation(version)
    return render(
        request,
        "commissions/staff/regulation_detail.html",
        {
            "regulation": regulation,
            "criteria": list(regulation.criteria.all()),
            "in_force": Regulation.objects.in_force(),
            "kind_form": KindChoiceForm(),
            "editable": not regulation.is_frozen,
        },
    )


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def regulation_edit(request, version):
    regulation = editable_regulation(version)
    if regulation.is_frozen:
        return frozen_response(request, regulation)
    form = RegulationForm(request.POST or None, instance=regulation)
    if request.method == "POST" and form.is_valid():
        try:
            regulation_update(regulation=regulation, **form.cleaned_data)
        except RegulationFrozen as error:
            return frozen_response(request, regulation, error)
        messages.success(request, _("Présentation enregistrée."))
        return redirect("commissions:regulation_detail", version=regulation.version)
    return render(
        request,
        "commissions/staff/regulation_form.html",
        {"form": form, "regulation": regulation},
        status=400 if form.errors else 200,
    )


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def regulation_remove(request, version):
    regulation = editable_regulation(version)
    if regulation.is_frozen:
        return frozen_response(request, regulation)
    if request.method == "POST":
        try:
            regulation_delete(regulation=regulation)
        except RegulationFrozen as error:
            return frozen_response(request, regulation, error)
        messages.success(request, _("Le projet de version %(version)s est supprimé.") % {"version": version})
        return redirect("commissions:regulation_list")
    return render(request, "commissions/staff/regulation_confirm_delete.html", {"regulation": regulation})


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def regulation_adopt_view(request, version):
    regulation = editable_regulation(version)
    if regulation.is_frozen:
        return frozen_response(request, regulation)
    form = AdoptForm(request.POST or None, regulation=regulation)
    if request.method == "POST" and form.is_valid():
        try:
            regulation_adopt(regulation=regulation, adopted_by=request.user, **form.cleaned_data)
        except RegulationFrozen as error:
            return frozen_response(request, regulation, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("La version %(version)s est adoptée : elle est publiée et ne se modifie plus.")
                % {"version": regulation.version},
            )
            return redirect("commissions:regulation_detail", version=regulation.version)
    return render(
        request,
        "commissions/staff/regulation_adopt.html",
        {"form": form, "regulation": regulation, "criteria_count": regulation.criteria.count()},
        status=400 if form.errors else 200,
    )


def criterion_page(request, regulation, kind, criterion=None):
    if regulation.is_frozen:
        return frozen_response(request, regulation)
    initial = criterion_initial_for_new(regulation) if criterion is None else None
    form = CriterionForm(request.POST or None, regulation=regulation, kind=kind, criterion=criterion, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = criterion_save(regulation=regulation, criterion=criterion, fields=form.criterion_fields())
        except RegulationFrozen as error:
            return frozen_response(request, regulation, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Critère « %(label)s » enregistré.") % {"label": saved.label})
            return redirect("commissions:regulation_detail", version=regulation.version)
    return render(
        request,
        "commissions/staff/criterion_form.html",
        {"form": form, "regulation": regulation, "criterion": criterion, "kind_label": CriterionKind(kind).label},
        status=400 if form.errors else 200,
    )


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def criterion_create(request, version):
    regulation = editable_regulation(version)
    kind = request.GET.get("kind", "")
    if kind not in CriterionKind.values:
        raise Http404
    return criterion_page(request, regulation, kind)


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def criterion_edit(request, version, pk):
    regulation = editable_regulation(version)
    criterion = get_object_or_404(Criterion, regulation=regulation, pk=pk)
    return criterion_page(request, regulation, criterion.kind, criterion)


@allowed_if(can_edit_regulation)
@require_http_methods(["GET", "POST"])
def criterion_remove(request, version, pk):
    regulation = editable_regulation(version)
    criterion = get_object_or_404(Criterion, regulation=regulation, pk=pk)
    if regulation.is_frozen:
        return frozen_response(request, regulation)
    if request.method == "POST":
        try:
            criterion_delete(criterion=criterion)
        except RegulationFrozen as error:
            return frozen_response(request, regulation, error)
        messages.success(request, _("Critère « %(label)s » supprimé.") % {"label": criterion.label})
        return redirect("commissions:regulation_detail", version=regulation.version)
    return render(
        request, "commissions/staff/criterion_confirm_delete.html", {"regulation": regulation, "criterion": criterion}
    )


# --- Reserved places (agents and administrators) ------------------------------------------------------------------


def reservation_form_save(request, form, reservation=None):
    """Save through the service (which re-checks the capacity under a lock); errors go back to the form."""
    try:
        return reservation_save(reservation=reservation, updated_by=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@allowed_if(can_manage_reservations)
@require_http_methods(["GET", "POST"])
def reservation_list(request):
    form = ReservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = reservation_form_save(request, form)
        if saved is not None:
            messages.success(request, _("Places réservées enregistrées : %(reservation)s.") % {"reservation": saved})
            return redirect("commissions:reservation_list")
    reservations = Reservation.objects.with_related().order_by(
        "section__establishment__name", "section__min_age_months", "flag"
    )
    page = Paginator(reservations, RESERVATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/staff/reservation_list.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


@allowed_if(can_manage_reservations)
@require_http_methods(["GET", "POST"])
def reservation_edit(request, pk):
    reservation = get_object_or_404(Reservation.objects.with_related(), pk=pk)
    form = ReservationForm(request.POST or None, instance=reservation)
    if request.method == "POST" and form.is_valid():
        saved = reservation_form_save(request, form, reservation)
        if saved is not None:
            messages.success(request, _("Places réservées enregistrées : %(reservation)s.") % {"reservation": saved})
            return redirect("commissions:reservation_list")
    return render(
        request,
        "commissions/staff/reservation_form.html",
        {"form": form, "reservation": reservation},
        status=400 if form.errors else 200,
    )


@allowed_if(can_manage_reservations)
@require_http_methods(["GET", "POST"])
def reservation_remove(request, pk):
    reservation = get_object_or_404(Reservation.objects.with_related(), pk=pk)
    if request.method == "POST":
        reservation_delete(reservation=reservation)
        messages.success(request, _("Réservation supprimée."))
        return redirect("commissions:reservation_list")
    return render(request, "commissions/staff/reservation_confirm_delete.html", {"reservation": reservation})
