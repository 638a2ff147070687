from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicPagesSitemap(Sitemap):
    """Every page of a collectivité that anyone may read. Apps add their public pages here."""

    changefreq = "weekly"

    def items(self):
        return [
            "welcome",
            "account_login",
            "account_signup",
            "creches:catalogue",
            "creches:map",
            "creches:parcours",
            "creches:simulator",
            "commissions:transparency",
            "rpe:programme",
            "rpe:inbox_new",
        ]

    def location(self, item):
        return reverse(item)


class EstablishmentSitemap(Sitemap):
    """The public page of every open establishment."""

    changefreq = "weekly"

    def items(self):
        from creches.models import Establishment

        return Establishment.objects.active().only("slug").order_by("slug")
