"""REST_FRAMEWORK's defaults: how every API view reads bodies, counts anonymous calls and words errors.

Kept apart from portal.api: DRF imports these while building its views, before any view module.
"""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import parsers, throttling
from rest_framework.exceptions import NotFound, ParseError

from portal.clients import client_ip


class JSONParser(parsers.JSONParser):
    """DRF's parser, with JSON nested deeper than Python follows answered 400 instead of a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("Le contenu JSON est imbriqué trop profondément.")) from error


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    """Anonymous calls per client address (behind the trusted proxies) and collectivité (cache keys)."""

    def get_rate(self):
        return settings.API_ANONYMOUS_RATE

    def get_ident(self, request):
        return client_ip(request) or ""


def exception_handler(exc, context):
    """DRF's handler, with a French "not found" instead of Django's English message naming the model."""
    from rest_framework.views import exception_handler as drf_exception_handler  # it imports this module

    if isinstance(exc, Http404):
        exc = NotFound()
    return drf_exception_handler(exc, context)
