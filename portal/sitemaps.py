from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from portal.registry import declared


class PublicPagesSitemap(Sitemap):
    """Every page of a collectivité that anyone may read: the portal's, then each app's `PUBLIC_PAGES`."""

    changefreq = "weekly"

    def items(self):
        apps_pages = [name for pages in declared("sitemaps", "PUBLIC_PAGES") for name in pages]
        return ["welcome", "account_login", "account_signup", *apps_pages]

    def location(self, item):
        return reverse(item)


def sitemaps():
    """The sections of sitemap.xml: the public pages, then each app's `SITEMAPS`."""
    sections = {"pages": PublicPagesSitemap}
    for app_sitemaps in declared("sitemaps", "SITEMAPS"):
        sections.update(app_sitemaps)
    return sections
