from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.generic import ListView

from zhanggui.core.models import AuditEntry
from zhanggui.staff.access import PagePermissionMixin


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/home.html", {})


class AuditListView(PagePermissionMixin, ListView):  # type: ignore[type-arg]
    permission_required = "core.view_auditentry"
    model = AuditEntry
    template_name = "staff/audit_list.html"
    paginate_by = 50
