"""The floor of page speed: Django with no database, no middleware, one view returning N bytes of HTML.

    gunicorn --chdir bench floor_app:application
GET /<n>/ answers a page of n bytes: what any Django page of that size costs at the least.
"""

import django
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="floor-only",  # noqa: S106 - a benchmark app with no secrets
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)
django.setup()

PAGES = {}


def page(_request, size):
    if size not in PAGES:
        body = "<p>Guichet unique petite enfance</p>\n" * (size // 37 + 1)
        PAGES[size] = f"<!DOCTYPE html><html lang=fr><body>{body}</body></html>".encode()[:size]
    return HttpResponse(PAGES[size], content_type="text/html; charset=utf-8")


urlpatterns = [path("<int:size>/", page)]
application = get_wsgi_application()
