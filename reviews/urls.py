from django.urls import path

from . import views

urlpatterns = [
    path("projects/<int:pk>/panel/", views.panel, name="project-panel"),
]
