"""The commissions' test data: a small collectivité built for a session (World) or for the ledger (City).

Both are built inside a collectivité's schema with the families' helpers (tests.families.factories).
"""

import datetime

from allauth.mfa.totp.internal.auth import TOTP
from django.db import connection
from django.utils import timezone
from django_tenants.utils import tenant_context

from commissions import sessions
from commissions.models import Dossier
from commissions.services import criterion_save, regulation_adopt, regulation_create
from creches.models import PlaceOpening
from families.enums import ApplicationStatus
from families.models import Application, Guardian, Situation, Wish
from portal.accounts.roles import Role
from tests.families.factories import application_in, establishment_in, family_in
from tests.utils import user_in

SURNAMES = ["Zephyrinou", "Quillembert", "Vasquelin"]


def staff_in(collectivite, email, roles):
    user = user_in(collectivite, email=email, roles=roles)
    with tenant_context(collectivite):
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    connection.set_schema_to_public()
    return user


class World:
    """Two crèches (A, B) with one place each, three families wishing A then B, and the people of a session."""

    def __init__(self, collectivite):
        self.collectivite = collectivite
        today = timezone.localdate()
        self.agent = staff_in(collectivite, "agent@sessions.test", [Role.AGENT])
        self.member = staff_in(collectivite, "membre@sessions.test", [Role.MEMBRE_COMMISSION])
        self.outsider = staff_in(collectivite, "autre-membre@sessions.test", [Role.MEMBRE_COMMISSION])
        self.chair = staff_in(collectivite, "elue@sessions.test", [Role.ELU])
        self.director = staff_in(collectivite, "directrice@sessions.test", [Role.DIRECTEUR])
        self.a = establishment_in(collectivite, "les-lutins")
        self.b = establishment_in(collectivite, "les-pirates")
        self.families = []
        for index in range(len(SURNAMES)):
            user, family, child = family_in(collectivite, email=f"famille{index}@sessions.test")
            application = application_in(collectivite, family, child, status=ApplicationStatus.COMPLETE)
            self.families.append((user, family, child, application))
        with tenant_context(collectivite):
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
            self.b.directors.add(self.director)
            for establishment in (self.a, self.b):
                PlaceOpening.objects.create(
                    section=establishment.sections.get(), count=1, available_from=today + datetime.timedelta(days=30)
                )
            for index, (_user, family, child, application) in enumerate(self.families):
                child.last_name = SURNAMES[index]
                child.first_name = f"Prénom{index}"
                child.save()
                Guardian.objects.filter(family=family).update(last_name=SURNAMES[index])
                family.address = f"{index + 7} impasse des Secrets"
                family.save()
                Wish.objects.create(application=application, establishment=self.a, rank=1)
                Wish.objects.create(application=application, establishment=self.b, rank=2)
                # Seniority: family 0 first, then 1, then 2.
                Application.objects.filter(pk=application.pk).update(
                    submitted_at=timezone.now() - datetime.timedelta(days=100 - index)
                )
            # Family 2 is a single parent: 10 points, the best score.
            self.families[2][1].situations.add(Situation.objects.get(code="monoparentalite"))
            self.session = sessions.session_create(
                title="Commission de printemps",
                date=today,
                places_until=today + datetime.timedelta(days=90),
                chair=self.chair,
                members=[self.member],
                user=self.agent,
            )
        connection.set_schema_to_public()

    def __enter__(self):
        self._context = tenant_context(self.collectivite)
        self._context.__enter__()
        return self

    def __exit__(self, *exc):
        self._context.__exit__(*exc)
        connection.set_schema_to_public()

    def dossier(self, index):
        return Dossier.objects.get(session=self.session, application=self.families[index][3])

    def refresh(self):
        self.session.refresh_from_db()


def prepared(world):
    with world:
        sessions.session_prepare(session=world.session, user=world.agent)
        world.refresh()
    return world


def allocated(world):
    prepared(world)
    with world:
        sessions.session_allocate(session=world.session)
        world.refresh()
    return world


class City:
    """Crèche A opens 3 places, crèche B 2; families wish A then B, the older request first."""

    def __init__(self, collectivite, families=6, criteria=()):
        self.collectivite = collectivite
        self.today = timezone.localdate()
        self.agent = staff_in(collectivite, "agent@ledger.test", [Role.AGENT])
        self.chair = staff_in(collectivite, "elue@ledger.test", [Role.ELU])
        self.a = establishment_in(collectivite, "les-lutins")
        self.b = establishment_in(collectivite, "les-pirates")
        self.count = 0
        with tenant_context(collectivite):
            regulation = regulation_create(title="Règlement")
            criterion_save(
                regulation=regulation,
                fields={
                    "code": "anciennete",
                    "label": "Ancienneté",
                    "kind": "per_unit",
                    "order": 1,
                    "parameters": {"measure": "months_waiting", "points": 1, "max_points": 24},
                },
            )
            for order, fields in enumerate(criteria, start=2):
                criterion_save(regulation=regulation, fields={"order": order, **fields})
            regulation_adopt(
                regulation=regulation, adopted_on=self.today - datetime.timedelta(days=30), deliberation="D"
            )
            self.open_places(self.a, 3)
            self.open_places(self.b, 2)
        connection.set_schema_to_public()
        self.applications = [self.family() for _ in range(families)]

    def open_places(self, establishment, count, days=20):
        with tenant_context(self.collectivite):
            return PlaceOpening.objects.create(
                section=establishment.sections.get(),
                count=count,
                available_from=self.today + datetime.timedelta(days=days),
            )

    def family(self):
        self.count += 1
        _user, family, child = family_in(self.collectivite, email=f"famille{self.count}@ledger.test")
        application = application_in(self.collectivite, family, child, status=ApplicationStatus.COMPLETE)
        with tenant_context(self.collectivite):
            Wish.objects.create(application=application, establishment=self.a, rank=1)
            Wish.objects.create(application=application, establishment=self.b, rank=2)
            Application.objects.filter(pk=application.pk).update(
                submitted_at=timezone.now() - datetime.timedelta(days=400 - self.count)
            )
        connection.set_schema_to_public()
        return application

    def session(self, title, *, date=None):
        date = date or self.today
        return sessions.session_create(
            title=title, date=date, places_until=date + datetime.timedelta(days=90), chair=self.chair, user=self.agent
        )
