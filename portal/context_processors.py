from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

from portal.navigation import navigation_for


def portal(request):
    tenant = getattr(request, "tenant", None)
    is_public = connection.schema_name == get_public_schema_name()
    user = getattr(request, "user", None)
    return {
        "collectivite": None if is_public else tenant,
        "is_platform": is_public,
        "navigation": navigation_for(user) if user is not None and user.is_authenticated and not is_public else [],
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
