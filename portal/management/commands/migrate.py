# `migrate` (run by the test runner among others) is migrate_schemas, template included.
from portal.management.commands.migrate_schemas import Command  # noqa: F401
