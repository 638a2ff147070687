from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.backup import collectivite_backup


class Command(BaseCommand):
    help = "Sauvegarde une collectivité : son schéma (pg_dump -n), sa ligne et ses domaines, ses fichiers."

    def add_arguments(self, parser):
        parser.add_argument("--schema", required=True, help="schéma de la collectivité")
        parser.add_argument("--output", default="backups", help="dossier où créer la sauvegarde")

    def handle(self, *args, **options):
        try:
            folder = collectivite_backup(options["schema"], options["output"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Sauvegarde : {folder}")
