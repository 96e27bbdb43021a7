app_name = "auth"

urlpatterns: list = []
