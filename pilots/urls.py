from django.urls import path

from .views import attachments, county, home, notifications, plan, projects

urlpatterns = [
    path("", home.home, name="home"),
    path("projects/", home.project_list, name="project-list"),
    path("projects/new/", plan.project_create, name="project-create"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/transitions/<slug:name>/", projects.project_transition,
         name="project-transition"),
    path("projects/<int:pk>/plan/", plan.plan_edit, name="plan-edit"),
    path("projects/<int:pk>/versions/compare/", plan.version_compare, name="version-compare"),
    path("projects/<int:pk>/attachments/", attachments.upload, name="attachment-upload"),
    path("projects/<int:pk>/attachments/<int:attachment_id>/", attachments.download,
         name="attachment-download"),
    path("projects/<int:pk>/attachments/<int:attachment_id>/delete/", attachments.delete,
         name="attachment-delete"),
    path("projects/<int:pk>/consultants/", projects.consultants, name="project-consultants"),
    path("projects/<int:pk>/panel/", projects.panel, name="project-panel"),
    path("county/summary/", county.summary, name="county-summary"),
    path("county/summary.xlsx", county.summary_xlsx, name="county-summary-xlsx"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.mark_all_read, name="notifications-read"),
]
