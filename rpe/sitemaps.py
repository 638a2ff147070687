"""The relais' public pages in the sitemap (portal.registry). No AM profile is listed: the search page is."""

PUBLIC_PAGES = ["rpe:am_search"]
