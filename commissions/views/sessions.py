"""Pages of commission sessions (service, chair and members) and of offers (families, directors).

Members and the chair see anonymised dossiers only: the templates receive `show_identity` from
`perms.can_see_identities`, and nothing that names or locates a family is put in their context otherwise.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commissions import figures, meeting, perms, sessions
from commissions.enums import Attendance, SessionStatus
from commissions.forms_sessions import (
    AdjustForm,
    AssignForm,
    DeclineForm,
    DossierFilterForm,
    SessionCreateForm,
    SwapForm,
    UnassignForm,
    ValidateForm,
)
from commissions.models import CommissionSettings, Dossier, Offer, Session
from commissions.services import refusal_penalty
from commissions.workflows import SESSION
from families.enums import AuditAction
from families.models import AuditEntry, Situation
from families.perms import is_family
from portal.decorators import allowed_if, get_visible_object_or_404
from portal.downloads import file_response
from portal.i18n import deferred
from portal.perms import is_signed_in
from portal.workflows import Actor

SESSIONS_PAGE_SIZE = 30


def _error_text(error):
    return " ".join(error.messages)


def visible_session(request, pk):
    """A session the person sits in or runs, else 404."""
    return get_visible_object_or_404(Session.objects.select_related("regulation", "chair"), request.user, pk=pk)


def visible_dossier(request, pk, number):
    """A dossier of a session the person sits in or runs, else 404."""
    return get_visible_object_or_404(
        Dossier.objects.select_related("session__regulation", "session__chair"),
        request.user,
        session_id=pk,
        number=number,
    )


@allowed_if(perms.can_list_sessions)
@require_http_methods(["GET", "POST"])
def session_list(request):
    if request.method == "POST":
        return session_create(request)
    form = SessionCreateForm() if perms.can_manage_sessions(request.user) else None
    return session_list_page(request, form)


def session_list_page(request, form):
    queryset = Session.objects.visible_to(request.user).select_related("chair", "regulation").order_by("-date", "-pk")
    page = Paginator(queryset, SESSIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/sessions/session_list.html",
        {"page": page, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@allowed_if(perms.can_manage_sessions)
def session_create(request):
    form = SessionCreateForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = sessions.session_create(
                title=data["title"],
                date=data["date"],
                places_until=data["places_until"],
                chair=data["chair"],
                members=data["members"],
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Commission créée : préparez-la quand les places sont déclarées."))
            return redirect("commissions:session_detail", pk=session.pk)
    return session_list_page(request, form)


def _forms_for(dossier, session, facts, seats, seats_by_id, everyone, bound):
    """The deliberation forms of one card: empty ones, or the one that was just refused with what was typed."""
    number = dossier.number
    assign_choices = [(seat.pk, meeting.seat_label(seat)) for seat in seats if meeting.eligible(facts, seat)]
    forms = {
        "adjust": AdjustForm(auto_id=f"adjust-{number}-%s", initial={"points": dossier.adjustment}),
        "assign": AssignForm(session=session, choices=assign_choices, auto_id=f"assign-{number}-%s"),
        "unassign": UnassignForm(auto_id=f"unassign-{number}-%s"),
        "swap": SwapForm(
            session=session, choices=meeting.swap_choices(facts, everyone, seats_by_id), auto_id=f"swap-{number}-%s"
        ),
    }
    if bound and bound["number"] == number:
        form = bound["form"]
        if bound["action"] == "assign":
            form.fields["seat"].choices = assign_choices
        if bound["action"] == "swap":
            form.fields["other"].choices = forms["swap"].fields["other"].choices
        forms[bound["action"]] = form
        dossier.open = True
    return forms


def session_page(request, session, *, bound=None, status=200):
    """The session's page; `bound` is the deliberation form just refused (its card open, its errors inline)."""
    show_identity = perms.can_see_identities(request.user, session)
    seats = list(session.seats.select_related("section__establishment"))
    filter_form = DossierFilterForm(request.GET or None, seats=seats)
    filters = filter_form.values()
    links = meeting.DossierLinks(session, filters)
    related = ["decision__seat__section__establishment"]
    if show_identity:
        related.append("application__child")
    dossiers = meeting.filtered(session, filters).select_related(*related).order_by(*meeting.dossier_order())
    page_number = request.GET.get("page")
    if bound is not None:
        page_number = links.page_of(bound["number"]) or page_number
    page = Paginator(dossiers, meeting.DOSSIERS_PAGE_SIZE).get_page(page_number)
    everyone = [
        {
            "number": row["number"],
            "score": row["score"] + row["adjustment"],
            "age_months": row["age_months"],
            "wished": {wish["establishment"] for wish in row["wishes"]},
            "seat": row["decision__seat"],
        }
        for row in session.dossiers.order_by(*meeting.dossier_order()).values(
            "number", "score", "adjustment", "age_months", "wishes", "decision__seat"
        )
    ]
    # The final decisions (commissions.figures), as in the minutes, letters, transparency page and API.
    figure = figures.session_figures(session)
    placed = {}
    for decision in figure.decisions:
        if decision["offer_status"] not in figures.LOST:
            placed.setdefault(figures.group_key(decision["establishment"], decision["section"]), []).append(
                decision["dossier"]
            )
    for seat in seats:
        key = figures.group_key(seat.section.establishment_id, seat.section.code)
        seat.cutoff = figure.cutoffs.get(key)
        seat.placed = [(number, links.url(number)) for number in sorted(placed.get(key, []))]
    shown_seats = [
        seat
        for seat in seats
        if filters.get("etablissement", seat.section.establishment_id) == seat.section.establishment_id
        and filters.get("section", seat.section.code) == seat.section.code
    ]
    situations = dict(Situation.objects.values_list("code", "label"))
    page.object_list = list(page.object_list)
    if show_identity and page.object_list:
        # Staff read who is behind the numbers: each read is in the audit log, as for the guichet's pages.
        detail = deferred(gettext_noop("Commission « %(title)s »"), title=session.title)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                user=request.user,
                application_id=d.application_id,
                action=AuditAction.READ,
                detail=detail.french()[:300],
                detail_message=detail.as_json(),
            )
            for d in page.object_list
        )
    editable = session.status == SessionStatus.OPEN
    can_deliberate = editable and perms.can_deliberate(request.user, session)
    seats_by_id = {seat.pk: seat for seat in seats}
    facts_by_number = {row["number"]: row for row in everyone}
    for dossier in page.object_list:
        dossier.situation_labels = [situations.get(code, code) for code in dossier.facts.get("situations", [])]
        if can_deliberate and session.allocated_at:
            dossier.forms = _forms_for(
                dossier, session, facts_by_number[dossier.number], seats, seats_by_id, everyone, bound
            )
        elif can_deliberate:
            dossier.forms = {"adjust": AdjustForm(auto_id=f"adjust-{dossier.number}-%s")}
            if bound and bound["number"] == dossier.number:
                dossier.forms["adjust"], dossier.open = bound["form"], True
    overrides = list(session.overrides.select_related("dossier", "other", "user"))
    for override in overrides:
        override.dossier_url = links.url(override.dossier.number)
        override.other_url = links.url(override.other.number) if override.other else None
    return render(
        request,
        "commissions/sessions/session_detail.html",
        {
            "session": session,
            "page": page,
            "querystring": meeting.querystring(filters),
            "filter_form": filter_form,
            "filtered": bool(filters),
            "seats": shown_seats,
            "counts": {
                "dossiers": len(everyone),
                "places": sum(seat.capacity for seat in seats),
                "sections": len(seats),
                "establishments": len({seat.section.establishment_id for seat in seats}),
                "placed": sum(len(numbers) for numbers in placed.values()),
                "shown": page.paginator.count,
            },
            "reserved_elsewhere": figure.reserved_elsewhere,
            "show_identity": show_identity,
            "can_manage": perms.can_manage_sessions(request.user),
            "can_deliberate": can_deliberate,
            "can_validate": editable and perms.can_validate_session(request.user, session),
            "members": session.members.all(),
            "overrides": overrides,
        },
        status=status,
    )


@allowed_if(perms.can_list_sessions)
@require_GET
@allowed_if(perms.can_see_session, obj=visible_session)
def session_detail(request, session):
    return session_page(request, session)


def _act(request, session, action, success):
    """Run a service; on a refusal say why in French and change nothing."""
    try:
        result = action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success(result) if callable(success) else success)
    return redirect("commissions:session_detail", pk=session.pk)


def _prepared_message(session):
    seats = session.seats.aggregate(places=Sum("capacity"), sections=Count("pk"))
    return _(
        "Commission préparée : %(dossiers)s dossiers retenus, %(places)s places dans %(sections)s sections. "
        "Les dossiers sont notés et numérotés."
    ) % {"dossiers": session.dossiers.count(), "places": seats["places"] or 0, "sections": seats["sections"]}


@allowed_if(perms.can_list_sessions)
@require_http_methods(["GET", "POST"])
@allowed_if(perms.can_manage_sessions, obj=visible_session)
def session_prepare_view(request, session):
    """GET: what preparing would take and leave out, and why; POST: take it."""
    if request.method == "POST":
        return _act(
            request,
            session,
            lambda: sessions.session_prepare(session=session, user=request.user),
            _prepared_message,
        )
    try:
        plan = sessions.session_preview(session)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("commissions:session_detail", pk=session.pk)
    return render(request, "commissions/sessions/session_prepare.html", {"session": session, "plan": plan})


@allowed_if(perms.can_list_sessions)
@require_POST
@allowed_if(perms.can_deliberate, obj=visible_session)
def session_allocate_view(request, session):
    return _act(request, session, lambda: sessions.session_allocate(session=session), _("Répartition calculée."))


def validation_summary(session):
    """What validating will do: the places given, the families told, the commission's overrides."""
    seats = list(session.seats.select_related("section__establishment").annotate(given=Count("decisions")))
    dossiers = session.dossiers.aggregate(
        total=Count("pk"), placed=Count("pk", filter=Q(decision__seat__isnull=False))
    )
    return {
        "seats": seats,
        "places": sum(seat.capacity for seat in seats),
        "given": dossiers["placed"],
        "families": dossiers["total"],
        "waiting": dossiers["total"] - dossiers["placed"],
        "overrides": list(session.overrides.select_related("dossier", "other")),
    }


@allowed_if(perms.can_list_sessions)
@require_http_methods(["GET", "POST"])
@allowed_if(perms.can_validate_session, obj=visible_session)
def session_validate_view(request, session):
    """A summary first, then an explicit confirmation: validating notifies every family of the session."""
    if not SESSION.allowed(session, SessionStatus.VALIDATED, Actor.STAFF):
        messages.error(request, _("Cette commission ne peut pas être validée à cette étape."))
        return redirect("commissions:session_detail", pk=session.pk)
    form = ValidateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.session_validate(session=session, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Commission validée : les familles sont prévenues et les courriers sont en préparation.")
            )
            return redirect("commissions:session_detail", pk=session.pk)
    return render(
        request,
        "commissions/sessions/validate.html",
        {"session": session, "form": form, **validation_summary(session)},
        status=400 if form.errors else 200,
    )


# A refusal of the service goes next to the field it is about (else above the form).
ERROR_FIELDS = {"reason": "reason", "capacity": "seat", "wish": None, "age": None}


def _form_action(request, session, dossier, action_name, form, action, success):
    """Run a deliberation form; when refused, the page again (400) with the card open and the error inline."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            for item in error.error_list:
                field = ERROR_FIELDS.get(item.code)
                form.add_error(field if field in form.fields else None, item.messages)
        else:
            messages.success(request, success)
            # Back to the page (of the same filtered list) where the dossier's card now is.
            seats = list(session.seats.select_related("section__establishment"))
            filters = DossierFilterForm(request.GET or None, seats=seats).values()
            url = meeting.DossierLinks(session, filters).url(dossier.number)
            return redirect(url.split("#")[0])
    errors = " ".join(message for messages_ in form.errors.values() for message in messages_)
    wrong = next((name for name in form.errors if name in form.fields), None)
    if wrong is not None:  # the reader lands on the field to correct (a reload and an HTMX swap alike)
        form.fields[wrong].widget.attrs["autofocus"] = True
    messages.error(
        request,
        _("Action refusée pour le dossier %(number)s : %(errors)s") % {"number": dossier.number, "errors": errors},
    )
    return session_page(
        request, session, bound={"number": dossier.number, "action": action_name, "form": form}, status=400
    )


@allowed_if(perms.can_list_sessions)
@require_POST
@allowed_if(perms.can_deliberate_on, obj=visible_dossier)
def dossier_adjust(request, dossier):
    session, number = dossier.session, dossier.number
    return _form_action(
        request,
        session,
        dossier,
        "adjust",
        AdjustForm(request.POST, auto_id=f"adjust-{number}-%s"),
        lambda data: sessions.session_adjust(
            dossier=dossier, points=data["points"], reason=data["reason"], user=request.user
        ),
        _("Points du dossier %(number)s ajustés.") % {"number": number},
    )


@allowed_if(perms.can_list_sessions)
@require_POST
@allowed_if(perms.can_deliberate_on, obj=visible_dossier)
def dossier_assign(request, dossier):
    session, number = dossier.session, dossier.number
    return _form_action(
        request,
        session,
        dossier,
        "assign",
        AssignForm(request.POST, session=session, auto_id=f"assign-{number}-%s"),
        lambda data: sessions.override_assign(
            dossier=dossier, seat=data["seat"], reason=data["reason"], user=request.user
        ),
        _("Place attribuée au dossier %(number)s.") % {"number": number},
    )


@allowed_if(perms.can_list_sessions)
@require_POST
@allowed_if(perms.can_deliberate_on, obj=visible_dossier)
def dossier_unassign(request, dossier):
    session, number = dossier.session, dossier.number
    return _form_action(
        request,
        session,
        dossier,
        "unassign",
        UnassignForm(request.POST, auto_id=f"unassign-{number}-%s"),
        lambda data: sessions.override_unassign(dossier=dossier, reason=data["reason"], user=request.user),
        _("Place retirée au dossier %(number)s.") % {"number": number},
    )


@allowed_if(perms.can_list_sessions)
@require_POST
@allowed_if(perms.can_deliberate_on, obj=visible_dossier)
def dossier_swap(request, dossier):
    session, number = dossier.session, dossier.number
    return _form_action(
        request,
        session,
        dossier,
        "swap",
        SwapForm(request.POST, session=session, auto_id=f"swap-{number}-%s"),
        lambda data: sessions.override_swap(
            dossier=dossier, other=data["other"], reason=data["reason"], user=request.user
        ),
        _("Places échangées entre les dossiers %(number)s et %(other)s.")
        % {"number": number, "other": request.POST.get("other", "")},
    )


def _pdf(field, filename):
    if not field:
        raise Http404
    return file_response(field.open("rb"), filename=filename, content_type="application/pdf")


@allowed_if(perms.can_list_sessions)
@require_GET
@allowed_if(perms.can_see_session, obj=visible_session)
def session_minutes(request, session):
    """The procès-verbal: the service, the chair and the members."""
    return _pdf(session.minutes, f"pv-commission-{session.pk}.pdf")


@allowed_if(perms.can_see_admissions)
@require_GET
def admissions(request):
    """Places families accepted in the establishments the director runs."""
    offers = (
        Offer.objects.visible_to(request.user)
        .admissions_for(request.user)
        .select_related("establishment", "section", "application__child", "application__family")
        .order_by("establishment__name", "-responded_at")
    )
    page = Paginator(offers, SESSIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "commissions/sessions/admissions.html", {"page": page})


# --- The family's side --------------------------------------------------------------------------------------------


def own_offer(request, pk):
    """An offer the person may see, else 404 (never tell another family's offer exists)."""
    return get_visible_object_or_404(
        Offer.objects.select_related("application__family", "establishment", "section"), request.user, pk=pk
    )


@allowed_if(is_family)
@require_POST
@allowed_if(perms.can_answer_offer, obj=own_offer)
def offer_accept_view(request, offer):
    try:
        sessions.offer_accept(offer=offer, user=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Vous avez accepté la place : l'établissement va vous contacter."))
    return redirect("families:application_detail", pk=offer.application_id)


@allowed_if(is_family)
@require_http_methods(["GET", "POST"])
@allowed_if(perms.can_answer_offer, obj=own_offer)
def offer_decline_view(request, offer):
    form = DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sessions.offer_decline(
                offer=offer, user=request.user, reason=form.cleaned_data["reason"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Vous avez refusé la place."))
            return redirect("families:application_detail", pk=offer.application_id)
    return render(
        request,
        "commissions/sessions/offer_decline.html",
        {"offer": offer, "form": form, "penalty": refusal_penalty()},
        status=400 if form.errors else 200,
    )


def letter_dossier(request, pk):
    # A dossier whose request was erased (retention) has no letter to give anyone; members of the session see the
    # dossier, not the letter that names the family.
    return get_visible_object_or_404(
        Dossier.objects.select_related("application__family", "session")
        .filter(application__isnull=False)
        .filter(perms.visible_letters(request.user)),
        request.user,
        pk=pk,
    )


@allowed_if(is_signed_in)
@require_GET
@allowed_if(perms.can_read_letter, obj=letter_dossier)
def letter_download(request, dossier):
    """The decision letter: the family it is addressed to, and the service."""
    if not dossier.letter and dossier.session.is_validated:
        # Letters of sessions recorded without notifications (the demo's past sessions) are drawn on first read.
        from commissions.tasks import build_letter

        build_letter(dossier.pk)
        dossier.refresh_from_db(fields=["letter"])
    return _pdf(dossier.letter, f"courrier-{dossier.application.number}.pdf")


@allowed_if(perms.can_list_sessions)
@require_http_methods(["GET", "POST"])
@allowed_if(perms.can_manage_sessions, obj=visible_session)
def session_attendance(request, session):
    """The service records who of the chair and members attend, before validation (for the minutes)."""
    people = [session.chair, *session.members.exclude(pk=session.chair_id)]
    recorded = dict(session.attendances.values_list("user", "status"))
    choices = {value for value, _label in Attendance.choices}
    errors = []
    if request.method == "POST":
        chosen = {person.pk: request.POST.get(f"presence-{person.pk}", "") for person in people}
        if any(value not in choices for value in chosen.values()):
            errors.append(_("Indiquez pour chaque personne : présent·e, excusé·e ou absent·e."))
        else:
            try:
                sessions.session_attendance_record(
                    session=session,
                    present=[p for p in people if chosen[p.pk] == Attendance.PRESENT],
                    excused=[p for p in people if chosen[p.pk] == Attendance.EXCUSED],
                    user=request.user,
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, _("Présences enregistrées : elles figureront au procès-verbal."))
                return redirect("commissions:session_detail", pk=session.pk)
        recorded = chosen
    rows = [{"person": person, "status": recorded.get(person.pk, "")} for person in people]
    return render(
        request,
        "commissions/sessions/attendance.html",
        {"session": session, "rows": rows, "choices": Attendance.choices, "errors": errors},
        status=400 if errors else 200,
    )


class CommissionSettingsForm(forms.ModelForm):
    class Meta:
        model = CommissionSettings
        fields = ["offer_response_days"]


@allowed_if(perms.can_configure_commissions)
@require_http_methods(["GET", "POST"])
def commission_settings(request):
    """The administrator sets how long a family has to answer an offer."""
    form = CommissionSettingsForm(request.POST or None, instance=CommissionSettings.current())
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Règles des commissions enregistrées."))
        return redirect("commissions:settings")
    return render(
        request,
        "commissions/sessions/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
