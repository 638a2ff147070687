"""The relais's API, mounted under /api/v1/rpe/: each area adds ONE include line here."""

urlpatterns = []
