"""How every API view reads bodies and counts anonymous calls (REST_FRAMEWORK's defaults).

Kept apart from portal.api: DRF imports these while building its views, before any view module.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers, throttling
from rest_framework.exceptions import ParseError

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
