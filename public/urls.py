"""The public pages and the open data API (no login)."""
from django.urls import path

from . import api, views

urlpatterns = [
    path("", views.home, name="public-home"),
    path("publicity/", views.publicity, name="public-publicity"),
    path("pilots/", views.directory, name="public-directory"),
    path("pilots/<str:code>/", views.pilot, name="public-pilot"),
    path("pilots/<str:code>/objections/", views.file_objection, name="public-objection-file"),
    path("pilots/<str:code>/disclosures/<int:year>.pdf", views.disclosure_pdf,
         name="public-disclosure-pdf"),
    path("objections/<str:receipt>/", views.objection, name="public-objection"),
    path("api/public/publicity/", api.PublicityList.as_view(), name="api-public-publicity"),
    path("api/public/pilots/", api.PilotList.as_view(), name="api-public-pilots"),
    path("api/public/disclosures/", api.DisclosureList.as_view(), name="api-public-disclosures"),
    path("api/public/disclosures.csv", api.DisclosureCSV.as_view(),
         name="api-public-disclosures-csv"),
    path("api/public/objections/", api.ObjectionCreate.as_view(), name="api-public-objections"),
    path("api/public/objections/<str:receipt>/", api.ObjectionStatusView.as_view(),
         name="api-public-objection"),
]
