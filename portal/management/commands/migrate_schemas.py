from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION, MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name, get_tenant_model

from portal.spares import spares_drop
from portal.tenancy import (
    TEMPLATE_SCHEMA,
    platform_ensure,
    schemas_behind_template,
    template_is_current,
    template_sync,
)

# Options under which every schema must go through Django's migrate (plans, fakes, targets, checks).
EXACT_OPTIONS = ("plan", "fake", "fake_initial", "prune", "check_unapplied", "app_label", "migration_name")


class Command(MigrateSchemasCommand):
    """django-tenants' migrate_schemas, which keeps the template schema current and skips the schemas at its state.

    New collectivités are cloned from that template, so it must never lag behind the code. Migrating
    every schema starts Django's migrate once per collectivité (half a second each, eight minutes for
    a thousand, even with nothing to apply): the template is migrated first, then only the schemas
    whose migration records lack one of the template's go through migrate.
    """

    def handle(self, *args, **options):
        everything = options.get("schema_name") in (None, get_public_schema_name()) and not options.get("shared")
        if not everything or any(options.get(option) for option in EXACT_OPTIONS):
            self.handle_exactly(*args, **options)
            return
        self.handle_behind_only(*args, **options)

    def handle_exactly(self, *args, **options):
        super().handle(*args, **options)
        if self.sync_public and not options.get("plan") and not options.get("fake"):
            platform_ensure()
        if self.sync_tenant and self.schema_name in (None, self.PUBLIC_SCHEMA_NAME) and not options.get("plan"):
            if self.schema_name != TEMPLATE_SCHEMA and not options.get("app_label"):
                template_sync(verbosity=options.get("verbosity", 1))
                spares_drop()

    def handle_behind_only(self, *args, **options):
        # SyncCommon's handle reads the options (public/tenant, executor); the migrations are run here.
        super(MigrateSchemasCommand, self).handle(*args, **options)
        self.PUBLIC_SCHEMA_NAME = get_public_schema_name()
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[self.PUBLIC_SCHEMA_NAME])
            platform_ensure()
        if not self.sync_tenant:
            return
        if not template_is_current():
            template_sync(verbosity=options.get("verbosity", 1))
        schemas = list(
            get_tenant_model()
            .objects.exclude(schema_name=self.PUBLIC_SCHEMA_NAME)
            .order_by("schema_name")
            .values_list("schema_name", flat=True)
        )
        behind = schemas_behind_template(list(schemas))
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{len(schemas) - len(behind)} schémas déjà à jour, {len(behind)} à migrer.")
        if behind:
            executor.run_migrations(tenants=behind)
        # Spares copied from the template before this migration are not at its state any more.
        dropped = spares_drop()
        if dropped and options.get("verbosity", 1) >= 1:
            self.stdout.write(f"{dropped} schémas de réserve périmés supprimés.")
