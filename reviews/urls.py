from django.urls import path

from . import (
    views,
    views_acceptance,
    views_answers,
    views_declarations,
    views_pool,
    views_rubrics,
    views_sheets,
)

urlpatterns = [
    path("projects/<int:pk>/panel/", views.panel, name="project-panel"),
    path("projects/<int:pk>/acceptance-panel/", views_acceptance.acceptance_panel,
         name="project-acceptance-panel"),
    path("projects/<int:pk>/declaration/", views_declarations.declare,
         name="project-declaration"),
    path("projects/<int:pk>/scores/", views_sheets.results_page, name="review-results"),
    path("projects/<int:pk>/scores/close/", views_sheets.close_page, name="review-close"),
    path("projects/<int:pk>/scores.xlsx", views_sheets.results_xlsx, name="review-results-xlsx"),
    path("projects/<int:pk>/scores/<int:sheet_pk>/reopen/", views_sheets.reopen_sheet,
         name="review-sheet-reopen"),
    path("reviews/assignments/<int:pk>/sheet/", views_sheets.sheet_page, name="review-sheet"),
    path("projects/<int:pk>/answers/", views_answers.answers_page, name="review-answers"),
    path("projects/<int:pk>/revision/", views_answers.revision_page, name="review-revision"),
    path("programme/experts/", views_pool.pool_list, name="expert-pool"),
    path("programme/experts/new/", views_pool.pool_create, name="expert-pool-create"),
    path("programme/experts/<int:pk>/", views_pool.pool_edit, name="expert-pool-edit"),
    path("programme/experts/<int:pk>/active/", views_pool.pool_active, name="expert-pool-active"),
    path("programme/experts/<int:pk>/relations/", views_pool.relation_add,
         name="expert-pool-relation-add"),
    path("programme/experts/<int:pk>/relations/<int:relation_pk>/delete/",
         views_pool.relation_remove, name="expert-pool-relation-remove"),
    path("programme/rubrics/", views_rubrics.rubric_list, name="rubric-list"),
    path("programme/rubrics/<int:batch_id>/<slug:category>/<slug:kind>/",
         views_rubrics.rubric_edit, name="rubric-edit"),
]
