from families.urls_family import urlpatterns as family_urlpatterns
from families.urls_guichet import urlpatterns as guichet_urlpatterns

app_name = "families"

urlpatterns = family_urlpatterns + guichet_urlpatterns
