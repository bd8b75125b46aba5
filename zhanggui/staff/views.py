"""Staff pages: the home page with each role's work queues, and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import ListView

from zhanggui.core.models import AuditEntry
from zhanggui.staff.access import PagePermissionMixin
from zhanggui.staff.forms import AuditFilterForm
from zhanggui.staff.queues import home_sections


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What is waiting for each of the person's roles; roles without queues say so."""
    sections = home_sections(request.user)
    context = {
        "sections": [section for section in sections if section.queues],
        "idle_roles": [section.role for section in sections if not section.queues],
    }
    return render(request, "staff/home.html", context)


class AuditListView(PagePermissionMixin, ListView):
    permission_required = "core.view_auditentry"
    template_name = "staff/audit_list.html"
    context_object_name = "entries"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[AuditEntry]:
        self.filter_form = AuditFilterForm(self.request.GET)
        return self.filter_form.apply(AuditEntry.objects.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        return context
