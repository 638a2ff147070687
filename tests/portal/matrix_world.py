"""The collectivité the isolation matrix runs in: one person per role and an object of every kind per family.

Built once per test database (committed, like the collectivités of tests/conftest.py) in its own schema, so
that the matrix can read and post everywhere without touching the data of other tests. A second
collectivité (`metz`, from seed_demo) provides the objects "of another collectivité": ids that exist there
and not here.
"""

import datetime
from dataclasses import dataclass, field

from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.models import Criterion, Dossier, Offer, Regulation, Reservation
from commissions.services import criterion_save, regulation_adopt, regulation_create
from creches.demo import fee_scales_seed
from creches.models import Establishment, FeeScale, PlaceOpening
from families.enums import ApplicationStatus
from families.models import Application, Child, Document, DocumentType, Guardian, Situation, Wish
from families.services import document_add
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.models import Collectivite
from portal.tenancy import collectivite_create
from rpe.ateliers.enums import AtelierKind
from rpe.inbox.enums import ContactPerson, ContactTheme
from rpe.models import (
    AgrementPlace,
    Appointment,
    AssistantMaternel,
    Atelier,
    InboxRequest,
    Lieu,
    Motif,
    Plage,
    Relais,
    RelaisMembership,
)
from rpe.slots import PARIS
from tests.families.factories import application_in, child_in, establishment_in, family_in, pdf_bytes, upload
from tests.utils import user_in

SLUG = "matrice"
DOMAIN = "matrice.localhost"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

# role name in the matrix -> (e-mail, roles); the families are built below.
STAFF = {
    "am": ("am@matrice.test", [Role.ASSISTANT_MATERNEL]),
    "animatrice": ("animatrice@matrice.test", [Role.ANIMATRICE_RPE]),
    "agent": ("agent@matrice.test", [Role.AGENT]),
    "directrice": ("directrice@matrice.test", [Role.DIRECTEUR]),
    "member": ("membre@matrice.test", [Role.MEMBRE_COMMISSION]),
    "elu": ("elu@matrice.test", [Role.ELU]),
    "admin": ("admin@matrice.test", [Role.ADMINISTRATEUR]),
}
FAMILIES = {"parent": "parent@matrice.test", "other_parent": "autre-parent@matrice.test"}
ROLES = ["anonymous", "parent", "other_parent", *STAFF]


@dataclass
class World:
    collectivite: Collectivite
    users: dict = field(default_factory=dict)
    # kind -> {"own": value, "other_family": value, "other_collectivite": value}
    objects: dict = field(default_factory=dict)
    # The parent's second child, without a request: its request page shows the form (a child with a live
    # request is sent to that request instead).
    child_without_request: int = 0


def _staff(collectivite, email, roles):
    user = user_in(collectivite, email=email, roles=roles)
    with tenant_context(collectivite):
        TOTP.activate(user, TOTP_SECRET)
    connection.set_schema_to_public()
    return user


def _build():
    collectivite = collectivite_create(
        schema="matrice", name="Matrice", domain=DOMAIN, communes=[{"code_insee": "44109", "nom": "Nantes"}]
    )
    for email, roles in STAFF.values():
        _staff(collectivite, email, roles)
    lutins = establishment_in(collectivite, "les-lutins")
    pirates = establishment_in(collectivite, "les-pirates")
    today = timezone.localdate()
    families = {}
    for index, (name, email) in enumerate(FAMILIES.items()):
        user, family, child = family_in(collectivite, email=email)
        application = application_in(collectivite, family, child, status=ApplicationStatus.COMPLETE)
        families[name] = (user, family, child, application, index)
    child_in(collectivite, families["parent"][1], first_name="Sam")
    with tenant_context(collectivite):
        fee_scales_seed()
        Reservation.objects.create(section=lutins.sections.get(), flag="insertion", count=1)
        director = User.objects.get(email=STAFF["directrice"][0])
        lutins.directors.add(director)
        regulation = regulation_create(title="Règlement")
        criterion_save(
            regulation=regulation,
            fields={
                "code": "monoparentalite",
                "label": "Famille monoparentale",
                "kind": "situation",
                "order": 1,
                "parameters": {"situation": "monoparentalite", "points": 10},
            },
        )
        regulation_adopt(regulation=regulation, adopted_on=today - datetime.timedelta(days=30), deliberation="D-1")
        PlaceOpening.objects.create(
            section=lutins.sections.get(), count=1, available_from=today + datetime.timedelta(days=30)
        )
        document_type = DocumentType.objects.order_by("order").first()
        for user, family, _child, application, index in families.values():
            Guardian.objects.filter(family=family).update(last_name=f"Matrice{index}")
            Wish.objects.create(application=application, establishment=lutins, rank=1)
            Wish.objects.create(application=application, establishment=pirates, rank=2)
            document_add(
                application=application,
                document_type=document_type,
                upload=upload("piece.pdf", pdf_bytes()),
                user=user,
            )
        # The parent is a single parent: 10 points, the one place of the session is offered to it.
        families["parent"][1].situations.add(Situation.objects.get(code="monoparentalite"))
        agent = User.objects.get(email=STAFF["agent"][0])
        session = sessions.session_create(
            title="Commission de la matrice",
            date=today,
            places_until=today + datetime.timedelta(days=90),
            chair=User.objects.get(email=STAFF["elu"][0]),
            members=[User.objects.get(email=STAFF["member"][0])],
            user=agent,
        )
        sessions.session_prepare(session=session, user=agent)
        sessions.session_allocate(session=session)
        sessions.session_validate(session=session, user=agent)
        _rpe_build()
        _booking_world(families["parent"][0], families["other_parent"][0])
    connection.set_schema_to_public()
    return collectivite


def _rpe_build():
    """The relais (rpe): one over the commune, the animatrice in it, a lieu, and the AM's own profile."""
    relais = Relais.objects.create(name="Relais de la matrice", communes=["44109"])
    Lieu.objects.create(relais=relais, name="Siège du relais", code_insee="44109")
    RelaisMembership.objects.create(user=User.objects.get(email=STAFF["animatrice"][0]), relais=relais)
    am = AssistantMaternel.objects.create(
        user=User.objects.get(email=STAFF["am"][0]),
        relais=relais,
        first_name="Aline",
        last_name="Matrice",
        code_insee="44109",
        agrement_number="MATRICE-1",
    )
    AgrementPlace.objects.create(am=am, count=2)
    _rpe_search_build(relais, am)
    # Ateliers and inbox (engineer ateliers): a matinée a year ahead, a request in the relais' inbox.
    start = timezone.now() + datetime.timedelta(days=365)
    Atelier.objects.create(
        relais=relais,
        kind=AtelierKind.EARLY_LEARNING,
        title="Matinée de la matrice",
        code_insee="44109",
        start=start,
        end=start + datetime.timedelta(hours=2),
        seats_adults=8,
        seats_children=16,
    )
    InboxRequest.objects.create(
        relais=relais,
        person=ContactPerson.FAMILY,
        theme=ContactTheme.CARE_SEARCH,
        message="Une question",
        name="Famille Matrice",
        email="famille@matrice.test",
    )


def _rpe_search_build(relais, am):
    """rpe, the search side (rpesearch): each family's job offer (the parent's published), contact request and
    saved search; the other family's request in the relais's follow-up list."""
    from rpe.models import ContactRequest, FollowUp, JobOffer, SavedSearch

    today = timezone.localdate()
    for name, status in (("parent", "published"), ("other_parent", "submitted")):
        author = User.objects.get(email=FAMILIES[name])
        JobOffer.objects.create(
            author=author,
            relais=relais,
            code_insee="44109",
            start_date=today + datetime.timedelta(days=60),
            child_age_months=10,
            half_days=["mon_am"],
            status=status,
            published_on=today if status == "published" else None,
            expires_on=today + datetime.timedelta(days=30) if status == "published" else None,
        )
        ContactRequest.objects.create(author=author, am=am, message=f"Bonjour de {name}")
        SavedSearch.objects.create(owner=author, label=f"Recherche de {name}", criteria={"code_insee": "44109"})
    application = Application.objects.get(family__account__email=FAMILIES["other_parent"])
    FollowUp.objects.create(
        application=application,
        session=Dossier.objects.get(application=application).session,
        relais=relais,
        code_insee="44109",
        start_date=application.desired_start,
        child_age_months=10,
    )


def _rpe_of(model_name, **filters):
    return apps.get_model("rpe", model_name).objects.filter(**filters).values_list("pk", flat=True).get()


def _booking_world(parent, other_parent):
    """booking: a relais with one lieu and motif open to everyone, and a coming appointment per family."""
    relais, lieu = Relais.objects.get(), Lieu.objects.get()  # the directory's (_rpe_build)
    animatrice = User.objects.get(email=STAFF["animatrice"][0])
    motif = Motif.objects.create(relais=relais, name="Recherche d'un mode d'accueil", min_delay_hours=0)
    day = timezone.localdate() + datetime.timedelta(days=20)
    plage = Plage.objects.create(
        animatrice=animatrice, lieu=lieu, first_day=day, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    plage.motifs.add(motif)
    for number, person in enumerate((parent, other_parent)):
        start = datetime.datetime.combine(day, datetime.time(9), tzinfo=PARIS) + datetime.timedelta(
            minutes=30 * number
        )
        end = start + datetime.timedelta(minutes=30)
        Appointment.objects.create(
            motif=motif,
            relais=relais,
            lieu=lieu,
            animatrice=animatrice,
            start=start,
            end=end,
            blocked_until=end,
            person=person,
            booked_by=person,
        )


def _max_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first()


def world_ensure(other):
    """The matrix's collectivité (built on first use) and the people and objects the matrix needs."""
    collectivite = Collectivite.objects.filter(slug=SLUG).first()
    if collectivite is None:
        with transaction.atomic():
            collectivite = _build()
    world = World(collectivite)
    with tenant_context(collectivite):
        world.users = {name: User.objects.get(email=email) for name, (email, _roles) in STAFF.items()}
        world.users |= {name: User.objects.get(email=email) for name, email in FAMILIES.items()}
        applications = {name: Application.objects.get(family__account=world.users[name]) for name in FAMILIES}
        dossiers = {name: Dossier.objects.get(application=applications[name]) for name in FAMILIES}
        offer = Offer.objects.get(application=applications["parent"])
        regulation = Regulation.objects.get()
        world.child_without_request = Child.objects.get(family__account=world.users["parent"], first_name="Sam").pk
        own = {
            "application": applications["parent"].pk,
            "child": applications["parent"].child_id,
            "document": Document.objects.get(application=applications["parent"]).pk,
            "dossier": dossiers["parent"].pk,
            "offer": offer.pk,
            "user": world.users["parent"].pk,
            "establishment": "les-lutins",
            "establishment_id": Establishment.objects.get(slug="les-lutins").pk,
            "fee_scale": _max_pk(FeeScale),
            "regulation": regulation.version,
            "criterion": Criterion.objects.get(regulation=regulation).pk,
            "reservation": _max_pk(Reservation),
            "session": offer.session_id,
            "number": dossiers["parent"].number,
            # rpe: the relais, its lieu, the AM's profile.
            "relais": Relais.objects.get().pk,
            "lieu": Lieu.objects.get().pk,
            "am_profile": AssistantMaternel.objects.get().pk,
            # rpe, the search side: the parent's job offer, contact request and saved search; a follow-up.
            "job_offer": _rpe_of("JobOffer", author=world.users["parent"]),
            "contact": _rpe_of("ContactRequest", author=world.users["parent"]),
            "saved_search": _rpe_of("SavedSearch", owner=world.users["parent"]),
            "followup": _max_pk(apps.get_model("rpe", "FollowUp")),
            "appointment": Appointment.objects.get(person=world.users["parent"]).pk,
            "motif": Motif.objects.get().pk,
            # rpe: an atelier and a request of the inbox (ateliers).
            "atelier": Atelier.objects.get().pk,
            "inbox_request": InboxRequest.objects.get().pk,
        }
        other_family = {
            "application": applications["other_parent"].pk,
            "child": applications["other_parent"].child_id,
            "document": Document.objects.get(application=applications["other_parent"]).pk,
            "dossier": dossiers["other_parent"].pk,
            "number": dossiers["other_parent"].number,
            "user": world.users["other_parent"].pk,
            "job_offer": _rpe_of("JobOffer", author=world.users["other_parent"]),
            "contact": _rpe_of("ContactRequest", author=world.users["other_parent"]),
            "saved_search": _rpe_of("SavedSearch", owner=world.users["other_parent"]),
            "appointment": Appointment.objects.get(person=world.users["other_parent"]).pk,
        }
        here = {kind: _max_pk(model) or 0 for kind, model in _MODELS.items()}
    with tenant_context(other):
        elsewhere = {kind: _max_pk(model) for kind, model in _MODELS.items()}
        elsewhere["establishment"] = Establishment.objects.order_by("slug").values_list("slug", flat=True).last()
        elsewhere["regulation"] = Regulation.objects.order_by("-version").values_list("version", flat=True).first()
    connection.set_schema_to_public()
    other_collectivite = {}
    for kind in own:
        value = elsewhere.get(kind)
        # An id the other collectivité has and this one has not; kinds it has none of get an id nobody has.
        if kind in here and (value is None or value <= here[kind]):
            value = here[kind] + 1000
        other_collectivite[kind] = value if value is not None else own[kind]
    other_collectivite["number"] = "S999-9999"  # a dossier number no session gave
    world.objects = {
        kind: {
            "own": own[kind],
            "other_family": other_family.get(kind),
            "other_collectivite": other_collectivite[kind],
        }
        for kind in own
    }
    return world


_MODELS = {
    "application": Application,
    "child": Child,
    "document": Document,
    "dossier": Dossier,
    "offer": Offer,
    "user": User,
    "fee_scale": FeeScale,
    "criterion": Criterion,
    "reservation": Reservation,
    "session": apps.get_model("commissions", "Session"),
    "establishment_id": Establishment,
    "relais": Relais,
    "lieu": Lieu,
    "am_profile": AssistantMaternel,
    "job_offer": apps.get_model("rpe", "JobOffer"),
    "contact": apps.get_model("rpe", "ContactRequest"),
    "saved_search": apps.get_model("rpe", "SavedSearch"),
    "followup": apps.get_model("rpe", "FollowUp"),
    "appointment": Appointment,
    "motif": Motif,
    "atelier": Atelier,
    "inbox_request": InboxRequest,
}
