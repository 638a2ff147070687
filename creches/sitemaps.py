"""The crèches' public pages in the sitemap (mounted by portal.urls through portal.registry)."""

from django.contrib.sitemaps import Sitemap

from creches.models import Establishment


class EstablishmentSitemap(Sitemap):
    """The public page of every open establishment."""

    changefreq = "weekly"

    def items(self):
        return Establishment.objects.active().only("slug").order_by("slug")


SITEMAPS = {"etablissements": EstablishmentSitemap}
PUBLIC_PAGES = ["creches:catalogue", "creches:map", "creches:parcours", "creches:simulator"]
