"""The family's pages: its foyer, children, requests, pieces and messages."""

urlpatterns: list = []
