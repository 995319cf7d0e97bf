app_name = "webinars"

urlpatterns: list = []
