"""Job offers: posted by a family, moderated by its relais (refusal with a reason), matching AM told through the
outbox, answered through the portal, expired and renewed, counted per year."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from portal.outbox.models import OutboxMessage
from portal.tasks import run_for_every_collectivite
from portal.workflows import TransitionError
from rpe import offers, tasks  # noqa: F401  (registers the tasks with Celery)
from rpe.enums_offers import JobOfferStatus
from rpe.models import JobOffer, JobOfferAnswer
from tests.rpe.test_search import Directory
from tests.utils import client_for


@pytest.fixture
def directory(alpha):
    return Directory(alpha)


def post_offer(client, **overrides):
    data = {
        "commune": "44109",
        "start_date": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
        "age_months": "10",
        "half_days": ["mon_am", "tue_am"],
        "particular_needs": "Allergie aux arachides",
        **overrides,
    }
    return client.post("/famille/annonces/nouvelle/", data)


def test_a_family_posts_an_offer_the_relais_publishes_it_and_matching_am_are_told(directory):
    family = client_for(directory.collectivite, directory.parent)
    response = post_offer(family)
    assert response.status_code == 302
    with directory:
        offer = JobOffer.objects.get(author=directory.parent)
        assert offer.status == JobOfferStatus.SUBMITTED and offer.relais == directory.relais
        assert OutboxMessage.objects.filter(kind="rpe.job_offer_submitted").exists()
    animatrice = client_for(directory.collectivite, directory.animatrice)
    assert "Allergie aux arachides" in animatrice.get(f"/relais/annonces/{offer.pk}/").content.decode()
    response = animatrice.post(f"/relais/annonces/{offer.pk}/", {"decision": "publish"})
    assert response.status_code == 302
    with directory:
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.PUBLISHED and offer.expires_on > timezone.localdate()
        told = {m.to[0] for m in OutboxMessage.objects.filter(kind="rpe.job_offer_for_am")}
        # Both AM with an account and a free place for a 10-month-old on Monday and Tuesday mornings.
        assert told == {directory.public.user.email, directory.private.user.email}
    am = client_for(directory.collectivite, directory.private.user)
    assert am.post(f"/assistant-maternel/annonces/{offer.pk}/", {"message": "J'ai une place"}).status_code == 302
    again = am.post(f"/assistant-maternel/annonces/{offer.pk}/", {"message": "Encore"})
    assert again.status_code == 400
    page = family.get(f"/famille/annonces/{offer.pk}/").content.decode()
    assert "J&#x27;ai une place" in page
    # The family reads her published fields only.
    assert directory.private.email not in page and directory.private.phone not in page


def test_a_refusal_needs_a_reason_which_the_family_reads(directory):
    family = client_for(directory.collectivite, directory.parent)
    post_offer(family)
    with directory:
        offer = JobOffer.objects.get(author=directory.parent)
    animatrice = client_for(directory.collectivite, directory.animatrice)
    response = animatrice.post(f"/relais/annonces/{offer.pk}/", {"decision": "refuse", "reason": ""})
    assert response.status_code == 400 and "Indiquez le motif du refus" in response.content.decode()
    with directory:
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.SUBMITTED
        with pytest.raises(TransitionError):
            offers.job_offer_moderate(offer=offer, user=directory.animatrice, publish=False, reason="  ")
    animatrice.post(f"/relais/annonces/{offer.pk}/", {"decision": "refuse", "reason": "Coordonnées dans le texte"})
    assert "Coordonnées dans le texte" in family.get(f"/famille/annonces/{offer.pk}/").content.decode()
    with directory:
        assert OutboxMessage.objects.filter(kind="rpe.job_offer_refused").exists()


def test_only_the_relais_of_the_commune_moderates(directory):
    post_offer(client_for(directory.collectivite, directory.parent))
    with directory:
        offer = JobOffer.objects.get(author=directory.parent)
    outsider = client_for(directory.collectivite, directory.outsider)
    assert outsider.get(f"/relais/annonces/{offer.pk}/").status_code == 404
    assert outsider.post(f"/relais/annonces/{offer.pk}/", {"decision": "publish"}).status_code == 404
    for who in (directory.parent, directory.public.user):
        assert client_for(directory.collectivite, who).get(f"/relais/annonces/{offer.pk}/").status_code == 403
    api = client_for(directory.collectivite, directory.outsider).post(
        f"/api/v1/rpe/annonces/{offer.pk}/moderation/", {"decision": "publish"}, content_type="application/json"
    )
    assert api.status_code == 404
    with directory:
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.SUBMITTED


def test_a_family_sees_only_its_own_offers(directory):
    post_offer(client_for(directory.collectivite, directory.parent))
    with directory:
        offer = JobOffer.objects.get(author=directory.parent)
    other = client_for(directory.collectivite, directory.other_parent)
    assert other.get(f"/famille/annonces/{offer.pk}/").status_code == 404
    assert other.get("/api/v1/rpe/annonces/").json()["count"] == 0
    assert other.get(f"/api/v1/rpe/annonces/{offer.pk}/").status_code == 404
    assert other.post(f"/famille/annonces/{offer.pk}/retirer/").status_code == 404


def test_the_api_posts_and_moderates_offers(directory):
    family = client_for(directory.collectivite, directory.parent)
    start = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    bad = family.post("/api/v1/rpe/annonces/", {"commune": "44109"}, content_type="application/json")
    assert bad.status_code == 400
    response = family.post(
        "/api/v1/rpe/annonces/",
        {"commune": "44109", "start_date": start, "child_age_months": 9, "half_days": ["mon_am"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    offer_id = response.json()["id"]
    assert response.json()["status"] == JobOfferStatus.SUBMITTED
    animatrice = client_for(directory.collectivite, directory.animatrice)
    refused = animatrice.post(
        f"/api/v1/rpe/annonces/{offer_id}/moderation/", {"decision": "refuse"}, content_type="application/json"
    )
    assert refused.status_code == 409 and "motif" in refused.json()["detail"]
    published = animatrice.post(
        f"/api/v1/rpe/annonces/{offer_id}/moderation/", {"decision": "publish"}, content_type="application/json"
    )
    assert published.status_code == 200 and published.json()["status"] == JobOfferStatus.PUBLISHED
    am = client_for(directory.collectivite, directory.public.user)
    answered = am.post(
        f"/api/v1/rpe/annonces/{offer_id}/reponse/", {"message": "Disponible"}, content_type="application/json"
    )
    assert answered.status_code == 201
    with directory:
        assert JobOfferAnswer.objects.filter(offer_id=offer_id, am=directory.public).exists()


def test_offers_expire_and_are_renewed(directory):
    with directory:
        offer = offers.job_offer_create(
            author=directory.parent,
            code_insee="44109",
            start_date=timezone.localdate() + datetime.timedelta(days=10),
            child_age_months=6,
            half_days=["mon_am"],
        )
        today = timezone.localdate()
        offers.job_offer_moderate(offer=offer, user=directory.animatrice, publish=True, today=today)
        with pytest.raises(TransitionError):
            offers.job_offer_renew(offer=offer, user=directory.parent, today=today)
        later = today + offers.OFFER_LIFETIME + datetime.timedelta(days=1)
        assert offers.job_offers_expire(later) == 1
        assert offers.job_offers_expire(later) == 0
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.EXPIRED
        offers.job_offer_renew(offer=offer, user=directory.parent, today=later)
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.PUBLISHED and offer.renewals == 1
        assert offer.expires_on == later + offers.OFFER_LIFETIME
        counts = offers.yearly_counts()
        assert counts[-1]["posted"] == 1 and sum(row["published"] for row in counts) == 1


def test_the_expiry_task_runs_for_every_collectivite(directory):
    with directory:
        offer = offers.job_offer_create(
            author=directory.parent,
            code_insee="44109",
            start_date=timezone.localdate() + datetime.timedelta(days=10),
            child_age_months=6,
            half_days=["mon_am"],
        )
        offers.job_offer_moderate(
            offer=offer,
            user=directory.animatrice,
            publish=True,
            today=timezone.localdate() - datetime.timedelta(days=90),
        )
    run_for_every_collectivite("rpe.tasks_offers.job_offers_expire_today")
    connection.set_schema_to_public()
    with directory:
        offer.refresh_from_db()
        assert offer.status == JobOfferStatus.EXPIRED
