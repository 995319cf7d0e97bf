from django.urls import path

from . import views
from .registration import ConveningRegisterView

app_name = "dialogues"

urlpatterns = [
    path("", views.ConveningListView.as_view(), name="convening_list"),
    path("<slug:slug>/", views.ConveningDetailView.as_view(), name="convening_detail"),
    path("<slug:slug>/register/", ConveningRegisterView.as_view(), name="convening_register"),
]
