from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import (
    DEMO_COLLECTIVITES,
    DEMO_OPERATOR_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    collectivite_seed,
    demo_accounts,
    platform_operator_seed,
)


class Command(BaseCommand):
    help = "Crée ou remet à leur état de démonstration les collectivités fictives et leurs comptes (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-demo", action="store_true", help="autoriser hors DEBUG (jamais sur une instance réelle)"
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_demo"]:
            raise CommandError(
                "seed_demo crée des comptes au mot de passe connu : refusé hors DEBUG sans --allow-demo."
            )
        platform_operator_seed()
        for spec in DEMO_COLLECTIVITES:
            collectivite_seed(spec)
            if options["verbosity"] >= 1:
                self.stdout.write(f"{spec['name']} : prête.")
        if options["verbosity"] >= 1:
            self.stdout.write(self.summary())

    def summary(self):
        lines = [f"Mot de passe de tous les comptes de démonstration : {DEMO_PASSWORD}"]
        lines.append(f"Secret TOTP des comptes du personnel : {DEMO_TOTP_SECRET}")
        lines.append(f"Plateforme : {DEMO_OPERATOR_EMAIL}")
        for spec in DEMO_COLLECTIVITES:
            lines.append(f"{spec['name']} :")
            lines.extend(f"  {email}  ({role.label})" for email, role, _first, _last in demo_accounts(spec["slug"]))
        return "\n".join(lines)
