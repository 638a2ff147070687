"""`allocate_places --input P.json --output R.json`: run the allocation engine on a file (contract:
shared/contracts/allocation.md). Needs no database: the same engine a commission session runs.

`manage.py allocate_places` runs `commissions.allocation_file.main` without starting Django; this command is
the same run for `call_command` and `django-admin`, with the messages translated."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commissions import allocation_file


class Command(BaseCommand):
    help = gettext_lazy(allocation_file.HELP)
    # Pure computation on files: no system checks, no database, so it runs without any tenant.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, type=Path, help=_(allocation_file.HELP_INPUT))
        parser.add_argument("--output", required=True, type=Path, help=_(allocation_file.HELP_OUTPUT))

    def handle(self, *args, **options):
        try:
            summary = allocation_file.allocate_file(options["input"], options["output"])
        except allocation_file.AllocationFileError as error:
            raise CommandError(_(error.message) % error.params) from error
        self.stdout.write(_(allocation_file.SUMMARY) % summary.params())
