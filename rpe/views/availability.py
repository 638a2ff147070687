"""Declaring availability (the AM herself or her relais for her) and the one-click "nothing has changed"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rpe.enums import ChangedBy
from rpe.forms import AvailabilityPlaceForm
from rpe.services import (
    LinkRefused,
    availability_confirm_by_link,
    availability_confirm_unchanged,
    availability_declare,
    unchanged_link_target,
)


def availability_page(request, am, *, changed_by):
    """One form per agrément place; "nothing has changed" confirms them all as they are."""
    places = list(am.places.select_related("availability"))
    data = request.POST if request.method == "POST" and "unchanged" not in request.POST else None
    forms = [AvailabilityPlaceForm(data, place=place) for place in places]
    back = "rpe:am_detail" if changed_by == ChangedBy.RELAIS else "rpe:my_availability"
    back_args = [am.pk] if changed_by == ChangedBy.RELAIS else []
    if request.method == "POST":
        if "unchanged" in request.POST:
            availability_confirm_unchanged(am=am, user=request.user, changed_by=changed_by)
            messages.success(request, _("C'est noté : vos disponibilités sont confirmées à la date d'aujourd'hui."))
            return redirect(back, *back_args)
        if all(form.is_valid() for form in forms):
            try:
                availability_declare(
                    am=am,
                    declarations={form.place.pk: form.declaration() for form in forms},
                    user=request.user,
                    changed_by=changed_by,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Disponibilités enregistrées."))
                return redirect(back, *back_args)
    return render(
        request,
        "rpe/directory/availability_form.html",
        {"am": am, "forms": forms, "staff": changed_by == ChangedBy.RELAIS},
        status=400 if request.method == "POST" else 200,
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def availability_unchanged(request, token):
    """The reminder's link: the page shows what she confirms; one button confirms, no login needed.

    (A GET never changes anything: mail scanners open links.) Forged, expired or used links get a
    French page and change nothing.
    """
    try:
        if request.method == "POST":
            am, _change = availability_confirm_by_link(token=token)
            return render(request, "rpe/directory/unchanged_link.html", {"am": am, "done": True})
        am = unchanged_link_target(token)
    except LinkRefused as refused:
        return render(request, "rpe/directory/unchanged_link.html", {"refused": str(refused)}, status=400)
    places = am.places.select_related("availability")
    return render(request, "rpe/directory/unchanged_link.html", {"am": am, "places": places})
