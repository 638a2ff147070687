"""Emails of the search side of the relais: job offers, contact requests, saved-search alerts, follow-up proposals.

Every message goes through the outbox (portal.notifications.notify) in the transaction of the change. An
assistant maternel's own address is used to write to her, never shown to anyone.
"""

from django.db import connection
from django.urls import reverse

from portal.mail import absolute_url
from portal.notifications import notify
from portal.outbox.checks import register
from rpe.enums_offers import ContactStatus, JobOfferStatus


def _send(template, to, *, about, version, **context):
    context = {"collectivite": getattr(connection, "tenant", None), **context}
    notify(f"rpe/email/{template}", to=to, context=context, about=about, version=version)


def _am_address(am):
    return am.user.email if am.user_id and am.user.email else am.email


def job_offer_submitted(offer):
    emails = list(offer.relais.memberships.values_list("user__email", flat=True))
    _send(
        "job_offer_submitted",
        emails,
        about=offer,
        version="submitted",
        offer=offer,
        url=absolute_url(reverse("rpe:job_offer_moderation", args=[offer.pk])),
    )


def job_offer_published(offer, matching):
    url = absolute_url(reverse("rpe:am_job_offer", args=[offer.pk]))
    for am in matching.select_related("user"):
        _send("job_offer_for_am", [_am_address(am)], about=offer, version=f"am-{am.pk}", offer=offer, am=am, url=url)
    _send(
        "job_offer_published",
        [offer.author.email],
        about=offer,
        version=f"published-{offer.renewals}",
        offer=offer,
        url=absolute_url(reverse("rpe:family_job_offer", args=[offer.pk])),
    )


@register("rpe.job_offer_for_am")
def job_offer_still_published(offer, message):
    return offer.status == JobOfferStatus.PUBLISHED


def job_offer_refused(offer):
    _send(
        "job_offer_refused",
        [offer.author.email],
        about=offer,
        version=f"refused-{offer.log.count()}",
        offer=offer,
        url=absolute_url(reverse("rpe:family_job_offer", args=[offer.pk])),
    )


def job_offer_answered(answer):
    _send(
        "job_offer_answered",
        [answer.offer.author.email],
        about=answer,
        version="",
        answer=answer,
        url=absolute_url(reverse("rpe:family_job_offer", args=[answer.offer_id])),
    )


def contact_sent(contact):
    _send(
        "contact_to_am",
        [_am_address(contact.am)],
        about=contact,
        version="sent",
        contact=contact,
        url=absolute_url(reverse("rpe:am_contact_list")),
    )


@register("rpe.contact_to_am")
def contact_still_open(contact, message):
    return contact.status == ContactStatus.SENT


def contact_answered(contact):
    _send(
        "contact_answered",
        [contact.author.email],
        about=contact,
        version="answered",
        contact=contact,
        url=absolute_url(reverse("rpe:family_contact_list")),
    )


def saved_search_alert(alert):
    _send(
        "saved_search_alert",
        [alert.search.owner.email],
        about=alert,
        version="",
        alert=alert,
        url=absolute_url(reverse("rpe:am_public", args=[alert.am_id])),
    )


def followup_proposal(contact):
    application = contact.followup.application
    _send(
        "followup_proposal",
        [application.family.account.email],
        about=contact,
        version="",
        contact=contact,
        url=absolute_url(reverse("families:application_detail", args=[application.pk])),
    )
