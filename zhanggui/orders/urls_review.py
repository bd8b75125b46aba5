"""The review queue (审单) and its rules. Importing this module registers the home-page
queues of order review."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.orders import queues_review  # noqa: F401 (registers the home-page queues)
from zhanggui.orders import views_review as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("review/actions/", views.ReviewActionView.as_view(), name="review_action"),
    path("review/rules/", views.RuleListView.as_view(), name="rules"),
    path("review/rules/new/", views.RuleEditView.as_view(), name="rule_create"),
    path("review/rules/preview/", views.RulesPreviewView.as_view(), name="rules_preview"),
    path("review/rules/<int:pk>/", views.RuleEditView.as_view(), name="rule_edit"),
    path("review/rules/<int:pk>/active/", views.RuleToggleView.as_view(), name="rule_toggle"),
    path("review/rules/<int:pk>/move/", views.RuleMoveView.as_view(), name="rule_move"),
]
