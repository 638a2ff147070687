"""The commissions' public pages in the sitemap (portal.registry)."""

PUBLIC_PAGES = ["commissions:transparency"]
