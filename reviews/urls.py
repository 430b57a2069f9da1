from django.urls import path

from . import views, views_rubrics

urlpatterns = [
    path("projects/<int:pk>/panel/", views.panel, name="project-panel"),
    path("programme/rubrics/", views_rubrics.rubric_list, name="rubric-list"),
    path("programme/rubrics/<int:batch_id>/<slug:category>/<slug:kind>/",
         views_rubrics.rubric_edit, name="rubric-edit"),
]
