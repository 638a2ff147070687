import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.enums import CollectiviteKind
from portal.tenancy import collectivite_create


def parse_commune(value):
    code, _sep, name = value.partition(":")
    return {"code_insee": code.strip(), "nom": name.strip()}


class Command(BaseCommand):
    help = "Crée une collectivité prête à l'emploi : son schéma, son domaine."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="nom du schéma PostgreSQL (ex. : saint_herblain)")
        parser.add_argument("--name", required=True, help="nom affiché (ex. : Saint-Herblain)")
        parser.add_argument("--domain", required=True, help="domaine (ex. : saint-herblain.localhost)")
        parser.add_argument("--slug", help="identifiant (par défaut : le schéma, _ remplacé par -)")
        parser.add_argument("--kind", default=CollectiviteKind.COMMUNE, help="commune ou intercommunalite")
        parser.add_argument(
            "--commune", action="append", default=[], metavar="INSEE:NOM", help="une commune (répétable)"
        )
        parser.add_argument("--contact-email", default="")
        parser.add_argument("--demo", action="store_true", help="collectivité de démonstration (données fictives)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            collectivite = collectivite_create(
                schema=options["schema"],
                name=options["name"],
                domain=options["domain"],
                slug=options["slug"],
                kind=options["kind"],
                communes=[parse_commune(value) for value in options["commune"]],
                contact_email=options["contact_email"],
                is_demo=options["demo"],
            )
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Collectivité « {collectivite.name} » créée (schéma {collectivite.schema_name}, "
                f"domaine {options['domain']}) en {elapsed:.2f} s."
            )
        )
