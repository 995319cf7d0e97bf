from django.urls import path

from . import privacy_views

app_name = "privacy"

urlpatterns = [
    path("people/<int:pk>/", privacy_views.AnonymisePersonView.as_view(), name="person"),
]
