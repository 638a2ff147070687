app_name = "creches"

urlpatterns: list = []
