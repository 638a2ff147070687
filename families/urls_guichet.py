"""The guichet's back-office: instruction of requests (agents and administrators)."""

urlpatterns: list = []
