"""URL map of the portal: pages, admin, API and its schema."""
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from pilots.api import ProjectViewSet
from reviews.api import AssignmentViewSet
from reviews.api_panels import PanelCloseView, PanelResultsView
from reviews.api_sheets import SheetSubmitView, SheetView

from . import errors
from .views import favicon

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="api-project")
router.register("reviews/assignments", AssignmentViewSet, basename="api-review-assignment")

urlpatterns = [
    path("", include("public.urls")),  # first: "/" is the public home for a visitor
    path("", include("pilots.urls")),
    path("", include("publicity.urls")),
    path("", include("reviews.urls")),
    path("", include("disclosure.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/auth/token/", obtain_auth_token, name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/reviews/assignments/<int:pk>/sheet/", SheetView.as_view(), name="api-sheet"),
    path("api/reviews/assignments/<int:pk>/sheet/submit/", SheetSubmitView.as_view(),
         name="api-sheet-submit"),
    path("api/reviews/panels/<int:pk>/results/", PanelResultsView.as_view(),
         name="api-panel-results"),
    path("api/reviews/panels/<int:pk>/close/", PanelCloseView.as_view(), name="api-panel-close"),
    path("api/", include(router.urls)),
    path("favicon.ico", favicon, name="favicon"),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
