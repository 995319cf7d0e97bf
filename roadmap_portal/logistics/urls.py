from django.urls import path

from . import views

app_name = "logistics"

urlpatterns = [
    path("registrations/<int:pk>/support/", views.SupportRequestView.as_view(), name="support"),
    path("registrations/<int:pk>/visa/", views.VisaDetailsView.as_view(), name="visa"),
    path("registrations/<int:pk>/letter.pdf", views.LetterView.as_view(), name="letter"),
    path("registrations/<int:pk>/feedback/", views.FeedbackView.as_view(), name="feedback"),
]
