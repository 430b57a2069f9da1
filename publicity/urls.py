from django.urls import path

from . import views

urlpatterns = [
    path("publicity/notices/<int:pk>/", views.notice_page, name="publicity-notice"),
    path("publicity/notices/<int:pk>.pdf", views.notice_pdf, name="publicity-notice-pdf"),
    path("programme/publicity/start/", views.start_page, name="publicity-start"),
    path("programme/publicity/confirm/", views.confirm_page, name="publicity-confirm"),
    path("programme/objections/", views.objection_list, name="objection-list"),
    path("programme/objections/<int:pk>/", views.objection_decide, name="objection-decide"),
    path("programme/objections/<int:pk>/attachment/", views.objection_attachment,
         name="objection-attachment"),
]
