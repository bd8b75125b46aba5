"""The stock policy page: velocity thresholds, warning levels and safety stock (manager)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from zhanggui.core.errors import DomainError
from zhanggui.inventory.forms import PolicyForm, show_error
from zhanggui.inventory.velocity import get_policy
from zhanggui.inventory.warehouses import POLICY_FIELDS, PolicyInput, update_policy
from zhanggui.staff.access import PagePermissionMixin


class PolicyView(PagePermissionMixin, View):
    permission_required = "inventory.change_stockpolicy"
    template_name = "inventory/policy.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        policy = get_policy()
        form = PolicyForm(initial={name: getattr(policy, name) for name in POLICY_FIELDS})
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                update_policy(actor=request.user, data=PolicyInput(**form.values()))
            except DomainError as error:
                show_error(error, form)
            else:
                messages.success(request, _("Stock policy saved."))
                return redirect("inventory:policy")
        return render(request, self.template_name, {"form": form})
