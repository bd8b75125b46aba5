"""The review queue (审单) and the review rules pages. Thin: forms check shape, services act."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from zhanggui.core.errors import DomainError, InvalidInput
from zhanggui.orders.forms_review import BatchActionForm, QueueFilterForm, RuleForm
from zhanggui.orders.models import Flag, HoldReason, OrderStatus
from zhanggui.orders.models_rules import ReviewRule
from zhanggui.orders.review_queue import (
    TAB_KEYS,
    TABS,
    QueueFilters,
    page_of,
    rows_for,
    tab_counts,
    tab_orders,
)
from zhanggui.orders.review_rules import Outcome, check_rule
from zhanggui.orders.services import review_actions, rule_changes
from zhanggui.orders.services.review_actions import BatchResult
from zhanggui.orders.services.rules import (
    ReviewSummary,
    RulePreview,
    active_rules,
    auto_review,
    preview,
    rules_with_change,
)
from zhanggui.staff.access import PagePermissionMixin

VIEW, REVIEW, MANAGE_RULES = (
    "orders.view_order",
    "orders.review_order",
    "orders.manage_review_rules",
)
OUTCOME_LABELS = {
    Outcome.APPROVE: gettext_lazy("Approve"),
    Outcome.HOLD: gettext_lazy("Hold"),
    Outcome.OUT_OF_STOCK: gettext_lazy("Out of stock"),
    Outcome.LEAVE: gettext_lazy("Left for a person"),
}


class ReviewQueueView(PagePermissionMixin, View):
    """Tabs with counts, filters, one page of rows with batch actions."""

    permission_required = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        tab = request.GET.get("tab", "")
        tab = tab if tab in TAB_KEYS else "to_review"
        form = QueueFilterForm(request.GET)
        filters = form.filters()
        if filters.status and filters.status not in TAB_KEYS[tab].statuses:
            filters = QueueFilters(**{**filters.__dict__, "status": ""})
        counts = tab_counts(filters)
        window = page_of(tab_orders(tab, filters), request.GET.get("page"))
        rules = active_rules() if window.rows else []
        can_review = request.user.has_perm(REVIEW)
        context = {
            "tab": tab,
            "tabs": [(item.key, item.label, counts[item.key]) for item in TABS],
            "form": form,
            "filters": filters,
            "status_label": OrderStatus(filters.status).label if filters.status else "",
            "rows": rows_for(window.rows, rules),
            "window": window,
            "can_review": can_review,
            "can_manage_rules": request.user.has_perm(MANAGE_RULES),
            "batch": BatchActionForm(),
            "flags": Flag.choices,
            "hold_reasons": HoldReason.choices,
        }
        return render(request, "orders/review/queue.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("orders:review")


def _report(request: HttpRequest, verb: str, result: BatchResult) -> None:
    if result.done:
        messages.success(
            request,
            _("%(verb)s: %(count)d orders.") % {"verb": verb, "count": len(result.done)},
        )
    if result.out_of_stock:
        messages.warning(
            request,
            _("Out of stock, now in the out-of-stock tab: %(orders)s")
            % {"orders": "; ".join(result.out_of_stock)},
        )
    if result.refused:
        messages.error(request, _("Not done: %(orders)s") % {"orders": "; ".join(result.refused)})


def _report_rules(request: HttpRequest, summary: ReviewSummary) -> None:
    messages.success(
        request,
        _(
            "Rules run: %(approved)d approved, %(held)d held, %(short)d out of stock, "
            "%(left)d left for a person."
        )
        % {
            "approved": summary.approved,
            "held": summary.held,
            "short": summary.out_of_stock,
            "left": summary.left,
        },
    )
    if summary.out_of_stock_orders:
        messages.warning(
            request,
            _("Out of stock: %(orders)s") % {"orders": ", ".join(summary.out_of_stock_orders)},
        )
    if summary.skipped:
        messages.warning(
            request,
            _("%(count)d ticked orders are not to review; the rules left them alone.")
            % {"count": summary.skipped},
        )


class ReviewActionView(PagePermissionMixin, View):
    """One batch action on the ticked orders, then back to the same tab and filters."""

    permission_required = REVIEW

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BatchActionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return _back(request)
        data = form.cleaned_data
        ids: list[int] = data["order"]
        actor = request.user
        try:
            self._act(request, actor, data, ids)
        except InvalidInput as error:
            for problems in error.fields.values():
                for problem in problems:
                    messages.error(request, problem)
        except DomainError as error:
            messages.error(request, str(error.message))
        return _back(request)

    def _act(self, request: HttpRequest, actor: Any, data: dict[str, Any], ids: list[int]) -> None:
        action, note = data["action"], data.get("note", "")
        if action == "run_rules":
            _report_rules(request, auto_review(ids or None, actor=actor))
        elif action == "approve":
            _report(
                request,
                _("Approved"),
                review_actions.approve_orders(actor=actor, order_ids=ids, note=note),
            )
        elif action == "hold":
            reason = data.get("hold_reason") or HoldReason.MANUAL
            result = review_actions.hold_orders(
                actor=actor, order_ids=ids, reason=reason, note=note
            )
            _report(request, _("Held"), result)
        elif action == "release":
            _report(
                request,
                _("Released"),
                review_actions.release_orders(actor=actor, order_ids=ids, note=note),
            )
        elif action == "flag":
            if not data.get("flag"):
                raise InvalidInput({"flag": [_("Choose the flag.")]})
            result = review_actions.flag_orders(
                actor=actor, order_ids=ids, flag=data["flag"], memo=data.get("memo", "")
            )
            _report(request, _("Flagged"), result)
        elif action == "urgent":
            _report(
                request,
                _("Marked urgent"),
                review_actions.mark_orders_urgent(actor=actor, order_ids=ids),
            )


# ---------------------------------------------------------------- rules


class RuleListView(PagePermissionMixin, View):
    permission_required = MANAGE_RULES

    def get(self, request: HttpRequest) -> HttpResponse:
        rules = list(ReviewRule.objects.order_by("position", "pk"))
        return render(request, "orders/review/rules.html", {"rules": rules})


def preview_context(result: RulePreview) -> dict[str, Any]:
    """The dry run as the page shows it: counts per outcome, and rows with their labels."""
    return {
        "result": result,
        "summary": [
            (key, label, result.before.counts[key], result.after.counts[key])
            for key, label in OUTCOME_LABELS.items()
        ],
        "changed": [
            (now, then, OUTCOME_LABELS[now.outcome], OUTCOME_LABELS[then.outcome])
            for now, then in result.changed[:200]
        ],
        "rows": [(row, OUTCOME_LABELS[row.outcome]) for row in result.after.rows[:200]],
    }


class RulesPreviewView(PagePermissionMixin, View):
    """What the rules as they are would do to today's queue (nothing is written)."""

    permission_required = MANAGE_RULES

    def get(self, request: HttpRequest) -> HttpResponse:
        context = preview_context(preview(active_rules()))
        return render(request, "orders/review/rules_preview.html", context)


class RuleEditView(PagePermissionMixin, View):
    """Add (no pk) or change a rule; "Preview" shows what today's queue would get with the
    change, without saving it."""

    permission_required = MANAGE_RULES

    def _rule(self, pk: int | None) -> ReviewRule | None:
        if pk is None:
            return None
        rule = ReviewRule.objects.filter(pk=pk).first()
        if rule is None:
            raise Http404(_("No such review rule."))
        return rule

    def _render(
        self, request: HttpRequest, form: RuleForm, rule: ReviewRule | None, **extra: Any
    ) -> HttpResponse:
        context = {"form": form, "rule": rule, **extra}
        return render(request, "orders/review/rule_form.html", context)

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        rule = self._rule(pk)
        return self._render(request, RuleForm(instance=rule), rule)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        rule = self._rule(pk)
        form = RuleForm(request.POST, instance=rule)
        if not form.is_valid():
            return self._render(request, form, rule)
        data = form.rule_input()
        if "preview" in request.POST:
            label = str(rule.label) if rule else ""
            spec = data.spec(rule_id=rule.pk if rule else None, label=label or _("New rule"))
            problems = check_rule(spec)
            if problems:
                for name, errors in problems.items():
                    form.add_error(name if name in form.fields else None, errors)
                return self._render(request, form, rule)
            candidate = rules_with_change(
                spec,
                rule_id=rule.pk if rule else None,
                is_active=data.is_active,
                position=data.position,
            )
            return self._render(request, form, rule, **preview_context(preview(candidate)))
        try:
            saved = rule_changes.save_rule(
                actor=request.user, data=data, rule_id=rule.pk if rule else None
            )
        except InvalidInput as error:
            for name, errors in error.fields.items():
                form.add_error(name if name in form.fields else None, errors)
            return self._render(request, form, rule)
        messages.success(request, _("Rule saved: %(name)s") % {"name": saved.label})
        return redirect("orders:rules")


class RuleToggleView(PagePermissionMixin, View):
    permission_required = MANAGE_RULES

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            rule = rule_changes.set_rule_active(
                actor=request.user, rule_id=pk, is_active=request.POST.get("active") == "1"
            )
        except DomainError as error:
            raise Http404(str(error.message)) from error
        text = (
            _("Rule switched on: %(name)s") if rule.is_active else _("Rule switched off: %(name)s")
        )
        messages.success(request, text % {"name": rule.label})
        return redirect("orders:rules")


class RuleMoveView(PagePermissionMixin, View):
    permission_required = MANAGE_RULES

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            rule_changes.move_rule(actor=request.user, rule_id=pk, up=request.POST.get("up") == "1")
        except DomainError as error:
            raise Http404(str(error.message)) from error
        return redirect(f"{reverse('orders:rules')}#rule-{pk}")
