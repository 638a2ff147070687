from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class PublicPagesSitemap(Sitemap):
    """Every page of a collectivité that anyone may read. Apps add their public pages here."""

    changefreq = "weekly"

    def items(self):
        return ["welcome", "account_login", "account_signup"]

    def location(self, item):
        return reverse(item)
