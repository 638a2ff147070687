"""The relais' activity figures for its CAF report and the observatoire (per relais, month and year)."""
