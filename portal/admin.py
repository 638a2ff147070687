from django.contrib import admin

from portal.models import Collectivite, Domain


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Collectivite)
class CollectiviteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "schema_name", "kind", "is_demo", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["schema_name", "created_at"]
    inlines = [DomainInline]

    def has_add_permission(self, request):
        # Creating a schema is done by `create_collectivite`, which validates and clones.
        return False
