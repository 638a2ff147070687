from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.backup import collectivite_restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde faite par backup_collectivite (dans la même base ou une base neuve migrée)."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="dossier de la sauvegarde")

    def handle(self, *args, **options):
        try:
            schema = collectivite_restore(options["folder"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Collectivité restaurée : {schema}")
