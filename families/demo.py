"""Demo families and requests in every status (fictional people), so every screen has something true.

Sizes follow DESIGN.md: about 150 requests for the intercommunalité, about 1,000 for the city.
Deterministic (seeded by the collectivité) and idempotent: a second run changes nothing.
"""

import datetime
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from weasyprint import HTML

from creches.models import Establishment
from families.enums import Actor, ApplicationStatus, DocumentStatus, ProfessionalSituation
from families.models import (
    Application,
    Child,
    Document,
    DocumentType,
    Family,
    Guardian,
    Message,
    Situation,
    StatusChange,
    Wish,
    application_number_prefix,
    application_number_sequence_catch_up,
    new_application_number,
)
from families.queue_cache import queue_changed
from families.services import family_for, weekly_hours
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.dates import first_of_next_month, months_between
from portal.models import Commune
from portal.tasks import enqueue_on_commit

SIZES = {"vie-et-boulogne": 150, "metz": 1000}
FIRST_NAMES = [
    "Léa", "Hugo", "Chloé", "Louis", "Emma", "Gabriel", "Jade", "Arthur", "Louise", "Jules", "Alice", "Raphaël",
    "Inès", "Adam", "Lina", "Noah", "Rose", "Léo", "Mia", "Sacha", "Anna", "Nathan", "Zoé", "Tom", "Yasmine",
    "Malo", "Nour", "Éden", "Romy", "Ibrahim", "Maëlys", "Timéo", "Aya", "Gaspard", "Camille", "Sofiane",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
    "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Morel",
    "Girard", "André", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez", "Haddad", "Nguyen",
    "Diallo", "Benali", "Kowalski", "Da Silva", "Traoré", "Meyer", "Schmitt", "Muller", "Weber",
]  # fmt: skip
STREETS = [
    "rue des Lilas",
    "avenue de la Gare",
    "rue du Moulin",
    "place de l'Église",
    "rue Victor-Hugo",
    "impasse des Saules",
]

# The history each final status went through (every step a transition of the workflow table).
PATHS = {
    ApplicationStatus.BROUILLON: [],
    ApplicationStatus.DEPOSEE: [ApplicationStatus.DEPOSEE],
    ApplicationStatus.INCOMPLETE: [ApplicationStatus.DEPOSEE, ApplicationStatus.INCOMPLETE],
    ApplicationStatus.COMPLETE: [ApplicationStatus.DEPOSEE, ApplicationStatus.COMPLETE],
    ApplicationStatus.EN_COMMISSION: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
    ],
    ApplicationStatus.LISTE_ATTENTE: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
        ApplicationStatus.LISTE_ATTENTE,
    ],
    ApplicationStatus.PROPOSITION: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
        ApplicationStatus.PROPOSITION,
    ],
    ApplicationStatus.ACCEPTEE: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
        ApplicationStatus.PROPOSITION,
        ApplicationStatus.ACCEPTEE,
    ],
    ApplicationStatus.REFUSEE: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
        ApplicationStatus.PROPOSITION,
        ApplicationStatus.REFUSEE,
    ],
    ApplicationStatus.ADMISE: [
        ApplicationStatus.DEPOSEE,
        ApplicationStatus.COMPLETE,
        ApplicationStatus.EN_COMMISSION,
        ApplicationStatus.PROPOSITION,
        ApplicationStatus.ACCEPTEE,
        ApplicationStatus.ADMISE,
    ],
    ApplicationStatus.ANNULEE: [ApplicationStatus.DEPOSEE, ApplicationStatus.ANNULEE],
    ApplicationStatus.EXPIREE: [ApplicationStatus.DEPOSEE, ApplicationStatus.COMPLETE, ApplicationStatus.EXPIREE],
}
STATUS_WEIGHTS = {
    ApplicationStatus.BROUILLON: 5,
    ApplicationStatus.DEPOSEE: 14,
    ApplicationStatus.INCOMPLETE: 9,
    ApplicationStatus.COMPLETE: 34,
    ApplicationStatus.EN_COMMISSION: 2,
    ApplicationStatus.LISTE_ATTENTE: 14,
    ApplicationStatus.PROPOSITION: 2,
    ApplicationStatus.ACCEPTEE: 2,
    ApplicationStatus.REFUSEE: 2,
    ApplicationStatus.ADMISE: 8,
    ApplicationStatus.ANNULEE: 4,
    ApplicationStatus.EXPIREE: 4,
}
PLANNINGS = [
    {day: ["08:00", "17:30"] for day in ("mon", "tue", "wed", "thu", "fri")},
    {day: ["08:30", "18:00"] for day in ("mon", "tue", "thu", "fri")},
    {day: ["09:00", "16:30"] for day in ("mon", "tue", "wed")},
    {day: ["07:30", "18:30"] for day in ("mon", "tue", "wed", "thu")},
    {day: ["08:30", "12:30"] for day in ("tue", "thu")},
]


def demo_pdf():
    """One small real PDF, stored once per collectivité and shared by the demo pieces."""
    path = "documents/demo/justificatif-fictif.pdf"
    if not default_storage.exists(path):
        pdf = HTML(string="<p>Justificatif fictif — données de démonstration.</p>").write_pdf()
        default_storage.save(path, ContentFile(pdf))
    return path


def seed(collectivite):
    count = SIZES.get(collectivite.slug, 0)
    if not count or Family.objects.filter(account__email__startswith="famille-").exists():
        return
    establishments = list(Establishment.objects.active().prefetch_related("sections"))
    with transaction.atomic():
        generate(collectivite, count, establishments, random.Random(collectivite.slug))  # noqa: S311 - demo data
        application_number_sequence_catch_up()
        seed_demo_parents(collectivite, establishments)
        attestations_queue_demo()
        queue_changed()  # rows made by bulk_create, which sends no signal


def attestations_queue_demo():
    """Every filed demo request gets its attestation de dépôt: marked as queued, built by the worker."""
    if not settings.DEMO_ATTESTATIONS:
        return  # the test suite's tasks run in-process: a thousand PDFs would add minutes to each setup

    Application.objects.filter(submitted_at__isnull=False, attestation="").update(attestation_queued_at=timezone.now())
    enqueue_on_commit("families.tasks.attestations_sweep")


def eligible(establishments, age):
    return [e for e in establishments if any(section.takes_age(age) for section in e.sections.all())]


def generate(collectivite, count, establishments, rng):
    today = timezone.localdate()
    now = timezone.now()
    communes = collectivite.territory() or [Commune("", collectivite.name)]
    situations = list(Situation.objects.all())
    document_types = list(DocumentType.objects.filter(is_active=True))
    pdf_path = demo_pdf()
    statuses = list(STATUS_WEIGHTS)
    weights = list(STATUS_WEIGHTS.values())

    users = User.objects.bulk_create(
        User(
            email=f"famille-{index:04d}@{collectivite.slug}.demo",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            roles=[Role.PARENT],
            password=make_password(None),  # unusable: these families never sign in
        )
        for index in range(count)
    )
    families = []
    for user in users:
        inside = rng.random() < 0.9
        commune = rng.choice(communes) if inside else Commune("", "Commune voisine")
        families.append(
            Family(
                account=user,
                numero_allocataire=f"{rng.randrange(10**6, 10**7)}",
                quotient_familial=rng.choice([None, *range(350, 2600, 50)]),
                address=f"{rng.randrange(1, 120)} {rng.choice(STREETS)}",
                postal_code="57000" if collectivite.slug == "metz" else "85170",
                commune=commune.name,
                code_insee=commune.code_insee,
                dependent_children=rng.choice([1, 1, 1, 2, 2, 3, 4]),
            )
        )
    families = Family.objects.bulk_create(families)
    Guardian.objects.bulk_create(
        Guardian(
            family=family,
            first_name=family.account.first_name,
            last_name=family.account.last_name,
            email=family.account.email,
            professional_situation=rng.choice(ProfessionalSituation.values),
        )
        for family in families
    )
    through = Family.situations.through
    through.objects.bulk_create(
        through(family_id=family.pk, situation_id=situation.pk)
        for family in families
        for situation in rng.sample(situations, k=rng.choice([0, 0, 0, 1, 1, 2]))
    )
    children = []
    for family in families:
        born = rng.random() < 0.85
        reference = today + datetime.timedelta(days=rng.randrange(-900, -30) if born else rng.randrange(30, 200))
        children.append(
            Child(
                family=family,
                first_name=rng.choice(FIRST_NAMES) if born else "",
                last_name=family.account.last_name,
                birth_date=reference if born else None,
                expected_date=None if born else reference,
                aeeh=rng.random() < 0.02,
            )
        )
    children = Child.objects.bulk_create(children)

    applications, plans = [], []
    for index, (family, child) in enumerate(zip(families, children, strict=True)):
        status = rng.choices(statuses, weights)[0]
        submitted = (
            now - datetime.timedelta(days=rng.randrange(5, 400)) if status != ApplicationStatus.BROUILLON else None
        )
        earliest = max(today, child.reference_date + datetime.timedelta(days=75))
        start = first_of_next_month(earliest + datetime.timedelta(days=rng.randrange(0, 240)))
        planning = rng.choice(PLANNINGS)
        age = months_between(child.reference_date, start)
        choices = eligible(establishments, age)
        wishes = rng.sample(choices, k=min(len(choices), rng.randrange(1, 6))) if choices else []
        applications.append(
            Application(
                number=f"{application_number_prefix()}{index:06d}",
                family=family,
                child=child,
                desired_start=start,
                planning=planning,
                weekly_hours=weekly_hours(planning),
                age_at_start_months=age,
                wants_collective=bool(wishes),
                wants_assistant_maternel=rng.random() < 0.4 or not wishes,
                wants_home_care=rng.random() < 0.05,
                status=status,
                status_changed_at=submitted or now,
                submitted_at=submitted,
                consent_at=submitted,
                renewal_due_on=(submitted.date() + datetime.timedelta(days=182)) if submitted else None,
            )
        )
        plans.append((status, wishes))
    applications = Application.objects.bulk_create(applications)

    wish_rows, history, documents, conversation = [], [], [], []
    for application, (status, wishes) in zip(applications, plans, strict=True):
        wish_rows += [Wish(application=application, establishment=e, rank=rank) for rank, e in enumerate(wishes, 1)]
        previous = ApplicationStatus.BROUILLON
        for target in PATHS[status]:
            history.append(
                StatusChange(
                    subject=application,
                    from_status=previous,
                    to_status=target,
                    actor=Actor.FAMILY if target == ApplicationStatus.DEPOSEE else Actor.STAFF,
                    note="Pièce manquante : attestation CAF." if target == ApplicationStatus.INCOMPLETE else "",
                )
            )
            previous = target
        if status == ApplicationStatus.BROUILLON:
            continue
        complete = status not in (ApplicationStatus.DEPOSEE, ApplicationStatus.INCOMPLETE)
        for kind in document_types:
            if status == ApplicationStatus.INCOMPLETE and kind.code == "caf":
                continue
            documents.append(
                Document(
                    application=application,
                    document_type=kind,
                    file=pdf_path,
                    original_name=f"{kind.code}.pdf",
                    content_type="application/pdf",
                    size=1200,
                    sha256="0" * 64,
                    status=DocumentStatus.VALID if complete else DocumentStatus.PENDING,
                )
            )
        if rng.random() < 0.1:
            conversation.append(
                Message(
                    application=application,
                    from_family=True,
                    body="Bonjour, notre date d'entrée peut être décalée d'un mois si besoin. Merci.",
                )
            )
    Wish.objects.bulk_create(wish_rows)
    StatusChange.objects.bulk_create(history)
    Document.objects.bulk_create(documents)
    Message.objects.bulk_create(conversation)


def seed_demo_parents(collectivite, establishments):
    """The two demo parent accounts: one with a filed request, one with a child and nothing filed yet."""
    today = timezone.localdate()
    parent = User.objects.get(email=f"parent@{collectivite.slug}.demo")
    family = family_for(parent)
    commune = (collectivite.territory() or [Commune("", collectivite.name)])[0]
    Family.objects.filter(pk=family.pk).update(
        address="12 rue des Lilas",
        postal_code="57000" if collectivite.slug == "metz" else "85170",
        commune=commune.name,
        code_insee=commune.code_insee,
        numero_allocataire="1234567",
        quotient_familial=980,
    )
    Guardian.objects.create(
        family=family,
        first_name=parent.first_name,
        last_name=parent.last_name,
        email=parent.email,
        professional_situation=ProfessionalSituation.EMPLOI,
    )
    child = Child.objects.create(
        family=family, first_name="Lou", last_name=parent.last_name, birth_date=today - datetime.timedelta(days=200)
    )
    start = first_of_next_month(today + datetime.timedelta(days=70))
    planning = PLANNINGS[0]
    application = Application.objects.create(
        number=new_application_number(),
        family=family,
        child=child,
        desired_start=start,
        planning=planning,
        weekly_hours=weekly_hours(planning),
        age_at_start_months=months_between(child.birth_date, start),
        status=ApplicationStatus.DEPOSEE,
        submitted_at=timezone.now() - datetime.timedelta(days=12),
        consent_at=timezone.now() - datetime.timedelta(days=12),
        renewal_due_on=today + datetime.timedelta(days=170),
    )
    for rank, establishment in enumerate(eligible(establishments, application.age_at_start_months)[:2], start=1):
        Wish.objects.create(application=application, establishment=establishment, rank=rank)
    StatusChange.objects.create(
        subject=application,
        from_status=ApplicationStatus.BROUILLON,
        to_status=ApplicationStatus.DEPOSEE,
        actor=Actor.FAMILY,
        user=parent,
    )
    second = family_for(User.objects.get(email=f"parent2@{collectivite.slug}.demo"))
    Child.objects.create(
        family=second, first_name="", last_name="Benali", expected_date=today + datetime.timedelta(days=90)
    )
