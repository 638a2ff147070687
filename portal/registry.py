"""What the domain apps add to the portal, found by module name: portal never imports an app by name.

A domain app (settings.DOMAIN_APPS, in that order) may have
- `urls.py`: its pages, mounted at the site's root (each path starts with its audience: famille/, guichet/, gestion/…);
- `urls_public.py`: its pages on the platform itself (public schema), mounted at the platform's root;
- `api/urls.py`: its API, mounted under /api/v1/ in the "api" namespace;
- `navigation.py`: `ENTRIES`, its links in the menu (portal.navigation.NavEntry);
- `sitemaps.py`: `SITEMAPS` (section name → Sitemap class) and `PUBLIC_PAGES` (URL names anyone may read).
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.urls import include, path


def has_module(dotted):
    try:
        return find_spec(dotted) is not None
    except ModuleNotFoundError:  # a parent package is missing: an app without an api/ package
        return False


def app_modules(name):
    """The dotted paths of the domain apps' `name` modules ("urls", "api.urls"…), for the apps that have one."""
    return [f"{app}.{name}" for app in settings.DOMAIN_APPS if has_module(f"{app}.{name}")]


def url_includes(name):
    """`path("", include(...))` for each app's `urls` or `api.urls` module."""
    return [path("", include(module)) for module in app_modules(name)]


@cache
def declared(name, attribute):
    """Each app's `<app>.<name>.<attribute>` where it has one, in app order (a tuple: the caller merges)."""
    values = (getattr(import_module(module), attribute, None) for module in app_modules(name))
    return tuple(value for value in values if value is not None)
