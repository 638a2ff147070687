"""The assistant maternel's own space: her profile, her publication choices and her availability."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.decorators import allowed_if
from portal.workflows import Actor, TransitionError
from rpe import geo
from rpe.enums import ActivityStatus, ChangedBy
from rpe.perms import am_of, is_assistant_maternel
from rpe.publication import am_data
from rpe.services import am_activity_set
from rpe.views.availability import availability_page
from rpe.views.staff import profile_page


def own_profile(request):
    """Her own profile and no other: the account is the key, never an id in the address."""
    am = am_of(request.user)
    if am is None:
        raise Http404
    return am


@allowed_if(is_assistant_maternel)
@require_http_methods(["GET", "POST"])
def my_profile(request):
    return profile_page(request, own_profile(request), staff=False)


@allowed_if(is_assistant_maternel)
@require_http_methods(["GET", "POST"])
def my_availability(request):
    return availability_page(request, own_profile(request), changed_by=ChangedBy.AM)


@allowed_if(is_assistant_maternel)
@require_GET
def my_public_card(request):
    """What families see of her, exactly (the same function as every public page and the API)."""
    am = own_profile(request)
    data = am_data(am, None, commune_name=lambda code: geo.commune_name(request.tenant, code))
    return render(request, "rpe/directory/my_public_card.html", {"am": am, "data": data})


@allowed_if(is_assistant_maternel)
@require_POST
def my_activity(request):
    """She suspends her activity (no longer listed, no reminders) or resumes it; archiving is the list's."""
    am = own_profile(request)
    wanted = request.POST.get("status")
    try:
        am_activity_set(am=am, status=wanted, actor=Actor.AM, user=request.user)
    except TransitionError:
        messages.error(request, _("Ce changement d'activité n'est pas possible ici : contactez votre relais."))
        return profile_page(request, am, staff=False, status=400)
    if wanted == ActivityStatus.SUSPENDED:
        messages.success(
            request, _("Activité suspendue : les familles ne vous trouvent plus et vous ne recevez plus de rappels.")
        )
    else:
        messages.success(request, _("Activité reprise : les familles vous trouvent à nouveau."))
    return redirect("rpe:my_profile")


@allowed_if(is_assistant_maternel)
@require_GET
def my_data(request):
    """Everything the directory holds about her, as JSON (RGPD art. 15 and 20)."""
    am = own_profile(request)
    data = am_data(am, request.user, commune_name=lambda code: geo.commune_name(request.tenant, code))
    data["declarations"] = [
        {"date": change.created_at, "kind": change.kind, "by": change.changed_by, "snapshot": change.snapshot}
        for change in am.availability_changes.all()
    ]
    data["activity"] = [
        {"date": log.created_at, "from": log.from_status, "to": log.to_status, "by": log.actor}
        for log in am.activity_log.all()
    ]
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="ma-fiche-assistant-maternel.json"'
    return response
