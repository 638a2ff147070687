"""The search side's demo data: job offers at every stage, contact requests, and the families the past
sessions left without a place followed up by their relais, with outcomes for the figure."""

from django.db import connection
from django_tenants.utils import tenant_context

from rpe.enums_offers import FollowUpOutcome, JobOfferStatus
from rpe.followup import solution_shares
from rpe.models import ContactRequest, FollowUp, FollowUpContact, JobOffer
from tests.utils import client_for, demo_user


def test_the_demo_has_job_offers_contacts_and_families_followed_up(metz, vie_et_boulogne):
    for collectivite in (metz, vie_et_boulogne):
        with tenant_context(collectivite):
            statuses = set(JobOffer.objects.values_list("status", flat=True))
            assert {JobOfferStatus.SUBMITTED, JobOfferStatus.PUBLISHED, JobOfferStatus.REFUSED} <= statuses
            assert ContactRequest.objects.count() >= 20
            followups = FollowUp.objects.all()
            assert followups.exists(), collectivite.slug
            assert FollowUpContact.objects.exists()
            outcomes = set(followups.values_list("outcome", flat=True))
            assert FollowUpOutcome.STILL_SEARCHING in outcomes and len(outcomes) >= 2
            assert solution_shares()
        connection.set_schema_to_public()


def test_a_family_whose_request_wants_an_am_sees_matching_am_on_its_request_page(metz):
    parent = demo_user(metz, "parent")
    with tenant_context(metz):
        application = parent.family.applications.filter(wants_assistant_maternel=True).first()
    connection.set_schema_to_public()
    if application is None:
        with tenant_context(metz):
            application = parent.family.applications.first()
            application.wants_assistant_maternel = True
            application.save(update_fields=["wants_assistant_maternel"])
        connection.set_schema_to_public()
    page = client_for(metz, parent).get(f"/famille/demandes/{application.pk}/").content.decode()
    assert "Assistant·es maternel·les pour votre enfant" in page
    assert "/assistants-maternels/?commune=" in page
