"""Job offers: the family posts and follows its offers, the relais moderates, matching AM read and answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.decorators import allowed_if
from portal.enums import Actor
from portal.workflows import TransitionError
from rpe import contacts, offers
from rpe.enums import HalfDay
from rpe.enums_offers import JobOfferStatus
from rpe.forms_search import AnswerForm, JobOfferForm, ModerationForm
from rpe.models import ContactRequest, JobOffer
from rpe.perms import (
    am_of,
    can_answer_job_offers,
    can_moderate_job_offers,
    can_post_job_offer,
    moderatable_job_offers,
    own_job_offers,
    relais_of,
)
from rpe.publication import am_data


def offer_context(request, offer):
    names = request.tenant.commune_name
    labels = dict(HalfDay.choices)
    return {
        "offer": offer,
        "commune": names(offer.code_insee),
        "half_days": [str(labels.get(value, value)) for value in offer.half_days],
    }


# --- The family ------------------------------------------------------------------------------------------------


@allowed_if(can_post_job_offer)
@require_GET
def family_job_offer_list(request):
    rows = own_job_offers(request.user).select_related("relais")
    return render(request, "rpe/offers/family_list.html", {"offers": rows, "names": request.tenant.commune_name})


@allowed_if(can_post_job_offer)
@require_http_methods(["GET", "POST"])
def family_job_offer_create(request):
    form = JobOfferForm(request.POST or None, collectivite=request.tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = offers.job_offer_create(
                author=request.user,
                code_insee=data["commune"],
                start_date=data["start_date"],
                child_age_months=data["age"],
                half_days=data["half_days"],
                particular_needs=data["particular_needs"],
                atypical_hours=data["atypical_hours"],
                disability=data["disability"],
            )
        except ValidationError as error:
            form.add_error("commune", error)
        else:
            messages.success(request, _("Votre annonce est déposée : le relais la valide avant de la publier."))
            return redirect("rpe:family_job_offer", offer.pk)
    return render(
        request, "rpe/offers/family_form.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@allowed_if(can_post_job_offer)
@require_GET
def family_job_offer(request, pk):
    offer = get_object_or_404(own_job_offers(request.user), pk=pk)
    names = request.tenant.commune_name
    answers = [
        (answer, am_data(answer.am, request.user, commune_name=names))
        for answer in offer.answers.select_related("am").prefetch_related("am__places__availability")
    ]
    today = timezone.localdate()
    renewable = offer.status == JobOfferStatus.EXPIRED or (
        offer.status == JobOfferStatus.PUBLISHED and offer.expires_on - today <= offers.RENEWAL_WINDOW
    )
    return render(
        request,
        "rpe/offers/family_detail.html",
        {
            **offer_context(request, offer),
            "answers": answers,
            "renewable": renewable,
            "can_withdraw": offers.JOB_OFFER.allowed(offer, JobOfferStatus.WITHDRAWN, Actor.FAMILY),
            "can_fill": offers.JOB_OFFER.allowed(offer, JobOfferStatus.FILLED, Actor.FAMILY),
        },
    )


@allowed_if(can_post_job_offer)
@require_POST
def family_job_offer_action(request, pk, action):
    offer = get_object_or_404(own_job_offers(request.user), pk=pk)
    try:
        if action == "renouveler":
            offers.job_offer_renew(offer=offer, user=request.user)
            messages.success(request, _("Votre annonce est renouvelée."))
        elif action == "retirer":
            offers.JOB_OFFER.transition(offer, JobOfferStatus.WITHDRAWN, actor=Actor.FAMILY, user=request.user)
            messages.success(request, _("Votre annonce est retirée."))
        elif action == "pourvue":
            offers.JOB_OFFER.transition(offer, JobOfferStatus.FILLED, actor=Actor.FAMILY, user=request.user)
            messages.success(request, _("Votre annonce est marquée pourvue : bonne rentrée !"))
        else:
            raise TransitionError(_("Action inconnue."))
    except TransitionError as error:
        messages.error(request, error.messages[0])
    return redirect("rpe:family_job_offer", offer.pk)


# --- The relais ------------------------------------------------------------------------------------------------


@allowed_if(can_moderate_job_offers)
@require_GET
def job_offer_moderation_list(request):
    rows = moderatable_job_offers(request.user).select_related("relais").order_by("status", "-created_at")
    return render(
        request,
        "rpe/offers/moderation_list.html",
        {
            "waiting": [o for o in rows if o.status == JobOfferStatus.SUBMITTED],
            "others": [o for o in rows if o.status != JobOfferStatus.SUBMITTED][:100],
            "names": request.tenant.commune_name,
            "counts": offers.yearly_counts(moderatable_job_offers(request.user)),
            "contact_counts": contacts.contact_counts(
                ContactRequest.objects.filter(am__relais__in=relais_of(request.user))
            ),
        },
    )


@allowed_if(can_moderate_job_offers)
@require_http_methods(["GET", "POST"])
def job_offer_moderation(request, pk):
    offer = get_object_or_404(moderatable_job_offers(request.user), pk=pk)
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            offers.job_offer_moderate(
                offer=offer,
                user=request.user,
                publish=form.cleaned_data["decision"] == "publish",
                reason=form.cleaned_data["reason"],
            )
        except TransitionError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(
                request,
                _("Annonce publiée : les assistantes maternelles qui correspondent sont averties.")
                if offer.status == JobOfferStatus.PUBLISHED
                else _("Annonce refusée : la famille est avertie du motif."),
            )
            return redirect("rpe:job_offer_moderation_list")
    return render(
        request,
        "rpe/offers/moderation.html",
        {
            **offer_context(request, offer),
            "form": form,
            "can_moderate": offer.status == JobOfferStatus.SUBMITTED,
            "matching_count": offers.matching_am(offer).count(),
            "log": offer.log.select_related("user"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- The assistant maternel ------------------------------------------------------------------------------------


@allowed_if(can_answer_job_offers)
@require_GET
def am_job_offer_list(request):
    am = am_of(request.user)
    rows = JobOffer.objects.published().select_related("relais")
    if am is not None:
        rows = rows.filter(relais=am.relais)
    return render(request, "rpe/offers/am_list.html", {"offers": rows[:100], "names": request.tenant.commune_name})


@allowed_if(can_answer_job_offers)
@require_http_methods(["GET", "POST"])
def am_job_offer(request, pk):
    am = am_of(request.user)
    offer = get_object_or_404(JobOffer.objects.published(), pk=pk)
    answered = offer.answers.filter(am=am).first() if am else None
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and am is not None and form.is_valid():
        try:
            offers.job_offer_answer(offer=offer, am=am, message=form.cleaned_data["message"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Votre réponse est envoyée à la famille."))
            return redirect("rpe:am_job_offer_list")
    return render(
        request,
        "rpe/offers/am_detail.html",
        {**offer_context(request, offer), "form": form, "answered": answered, "am": am},
        status=400 if request.method == "POST" else 200,
    )
