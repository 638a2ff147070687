from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

from portal.tenancy import TEMPLATE_SCHEMA, platform_ensure, template_sync


class Command(MigrateSchemasCommand):
    """django-tenants' migrate_schemas, which also keeps the template schema current.

    New collectivités are cloned from that template, so it must never lag behind the code.
    """

    def handle(self, *args, **options):
        super().handle(*args, **options)
        if self.sync_public and not options.get("plan") and not options.get("fake"):
            platform_ensure()
        if self.sync_tenant and self.schema_name in (None, self.PUBLIC_SCHEMA_NAME) and not options.get("plan"):
            if self.schema_name != TEMPLATE_SCHEMA and not options.get("app_label"):
                template_sync(verbosity=options.get("verbosity", 1))
