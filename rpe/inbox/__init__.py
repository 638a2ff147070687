"""The relais' inbox (online requests) and its contact log (calls, desk visits, emails)."""
