"""The relais's follow-up of families a commission left without a place."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.decorators import allowed_if
from rpe import followup as services
from rpe.enums_offers import FollowUpOutcome
from rpe.forms_search import FollowUpContactForm
from rpe.perms import can_follow_up, followups_visible_to
from rpe.publication import am_data
from rpe.search import search_page

MATCHING_SHOWN = 12


@allowed_if(can_follow_up)
@require_GET
def followup_list(request):
    rows = followups_visible_to(request.user).select_related(
        "application__child", "application__family", "session", "relais"
    )
    show = request.GET.get("situation", FollowUpOutcome.STILL_SEARCHING)
    if show in FollowUpOutcome.values:
        rows = rows.filter(outcome=show)
    return render(
        request,
        "rpe/followup/list.html",
        {
            "followups": rows[:200],
            "show": show,
            "outcomes": FollowUpOutcome.choices,
            "names": request.tenant.commune_name,
            "figures": services.solution_shares(followups_visible_to(request.user)),
        },
    )


@allowed_if(can_follow_up)
@require_http_methods(["GET", "POST"])
def followup_detail(request, pk):
    followup = get_object_or_404(
        followups_visible_to(request.user).select_related("application__child", "application__family", "session"),
        pk=pk,
    )
    matching = list(search_page(services.criteria_of(followup))[:MATCHING_SHOWN])
    form = FollowUpContactForm(request.POST or None, matching=matching, initial={"outcome": followup.outcome})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        am = next((am for am in matching if am.pk == data["am"]), None)
        try:
            services.followup_record(
                followup=followup,
                user=request.user,
                kind=data["kind"],
                outcome=data["outcome"],
                am=am,
                note=data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Contact enregistré."))
            return redirect("rpe:followup_detail", followup.pk)
    names = request.tenant.commune_name
    return render(
        request,
        "rpe/followup/detail.html",
        {
            "followup": followup,
            "commune": names(followup.code_insee),
            "matching": [am_data(am, request.user, commune_name=names) for am in matching],
            "contacts": followup.contacts.select_related("am", "user"),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )
