from django.urls import path

from . import views_activity, views_city, views_disclosure, views_factors

urlpatterns = [
    path("programme/factors/", views_factors.factor_list, name="factor-list"),
    path("projects/<int:pk>/activity/<int:year>/", views_activity.year_page, name="activity-year"),
    path("projects/<int:pk>/activity/<int:year>/template.xlsx", views_activity.template_xlsx,
         name="activity-template"),
    path("projects/<int:pk>/activity/<int:year>/upload/", views_activity.upload_xlsx,
         name="activity-upload"),
    path("disclosure/overview/", views_city.overview_page, name="disclosure-overview"),
    path("disclosure/overview.xlsx", views_city.overview_xlsx, name="disclosure-overview-xlsx"),
    path("projects/<int:pk>/disclosures/<int:year>/", views_disclosure.year_page,
         name="disclosure-year"),
]
