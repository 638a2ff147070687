"""The relais' public pages in the sitemap (portal.registry). No AM profile is listed: the search page is."""

PUBLIC_PAGES = [
    "rpe:am_search",
    # The ateliers' programme and the form to write to the relais (ateliers).
    "rpe:programme",
    "rpe:inbox_new",
]
