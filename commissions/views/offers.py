"""The guichet follows offers: the pending ones by deadline, and a family's answer given by phone or at the desk."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from commissions import perms, sessions
from commissions.followup import with_place_start
from commissions.forms_sessions import OfferAnswer
from commissions.models import Offer
from families.enums import Actor
from portal.decorators import allowed_if

OFFERS_PAGE_SIZE = 50


@allowed_if(perms.can_follow_offers)
@require_GET
def offer_pending_list(request):
    """Offers waiting for the family's answer, the nearest deadline first."""
    offers = with_place_start(
        Offer.objects.visible_to(request.user)
        .pending()
        .select_related("application__child", "establishment", "section", "session", "dossier")
        .order_by("deadline", "pk")
    )
    page = Paginator(offers, OFFERS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "commissions/offers/pending_list.html",
        {"page": page, "today": timezone.localdate(), "page_title": _("Propositions en attente de réponse")},
    )


@allowed_if(perms.can_follow_offers)
@require_http_methods(["GET", "POST"])
def offer_answer(request, pk):
    """An agent records the family's answer (accept or decline) with how it was given and a note."""
    offer = get_object_or_404(
        with_place_start(Offer.objects.visible_to(request.user)).select_related(
            "application__child", "establishment", "section", "session", "dossier"
        ),
        pk=pk,
    )
    form = OfferAnswer(request.POST if request.method == "POST" else None, auto_id=f"offer-{offer.pk}-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["answer"] == OfferAnswer.ACCEPT:
                sessions.offer_accept(
                    offer=offer, user=request.user, actor=Actor.STAFF, channel=data["channel"], note=data["note"]
                )
            else:
                sessions.offer_decline(
                    offer=offer, user=request.user, actor=Actor.STAFF, channel=data["channel"], reason=data["note"]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if data["answer"] == OfferAnswer.ACCEPT:
                messages.success(request, _("Réponse enregistrée : la famille accepte la place."))
            else:
                messages.success(
                    request,
                    _("Réponse enregistrée : la famille refuse la place, qui est proposée au dossier suivant."),
                )
            return redirect("families:dossier", pk=offer.application_id)
    return render(
        request,
        "commissions/offers/answer.html",
        {"offer": offer, "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )
