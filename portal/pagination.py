"""The API's pagination (its own module: DRF imports it while rest_framework.generics is still loading)."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    """`?page=` given but empty or not a number is a 404, as a page past the end is (DRF reads it as page 1)."""

    def get_page_number(self, request, paginator):
        number = request.query_params.get(self.page_query_param)
        if number is not None and not (number.isascii() and number.isdigit()) and number not in self.last_page_strings:
            raise NotFound(_("Page introuvable."))
        return super().get_page_number(request, paginator)
