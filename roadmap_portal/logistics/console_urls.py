from django.urls import path

from . import console_views as views

app_name = "logistics_console"

urlpatterns = [
    path("activities/<int:pk>/messages/", views.MessagesView.as_view(), name="messages"),
    path("activities/<int:pk>/change/", views.ChangeNoticeView.as_view(), name="change_notice"),
    path("activities/<int:pk>/questions/", views.QuestionsView.as_view(), name="questions"),
    path(
        "activities/<int:pk>/questions/<int:question_pk>/delete/",
        views.QuestionDeleteView.as_view(),
        name="question_delete",
    ),
    path("activities/<int:pk>/answers/", views.AnswersView.as_view(), name="answers"),
    path("activities/<int:pk>/answers.csv", views.AnswersExportView.as_view(), name="answers_csv"),
    path("activities/<int:pk>/checkin/", views.CheckInView.as_view(), name="checkin"),
    path("activities/<int:pk>/checkin/api/", views.CheckInApiView.as_view(), name="checkin_api"),
    path(
        "activities/<int:pk>/checkin/send-codes/",
        views.SendCheckinCodesView.as_view(),
        name="send_checkin_codes",
    ),
    path("activities/<int:pk>/support/", views.SupportListView.as_view(), name="support"),
    path(
        "activities/<int:pk>/support/<int:request_pk>/decide/",
        views.SupportDecideView.as_view(),
        name="support_decide",
    ),
    path("activities/<int:pk>/badges/", views.BadgesView.as_view(), name="badges"),
    path("activities/<int:pk>/feedback/", views.FeedbackResultsView.as_view(), name="feedback"),
]
