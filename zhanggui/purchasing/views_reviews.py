"""Batch reviews: flagging a re-ordered batch (from the PO page) and the editor's list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from zhanggui.core.errors import DomainError
from zhanggui.purchasing import selectors, services
from zhanggui.purchasing.forms import NoteForm, ReviewFlagForm, error_text
from zhanggui.purchasing.models import BatchReview
from zhanggui.purchasing.status import ReviewStatus
from zhanggui.purchasing.views_orders import get_order_or_404
from zhanggui.staff.access import PagePermissionMixin


class ReviewListView(PagePermissionMixin, ListView):
    """?status=open (the editor's queue) or done; everything without."""

    permission_required = "purchasing.view_batchreview"
    template_name = "purchasing/review_list.html"
    context_object_name = "reviews"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[BatchReview]:
        reviews = BatchReview.objects.select_related(
            "product", "purchase_order", "raised_by", "done_by"
        )
        self.status = self.request.GET.get("status", "")
        if self.status in ReviewStatus.values:
            reviews = reviews.filter(status=self.status)
        return reviews

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["status"] = self.status
        context["statuses"] = ReviewStatus.choices
        context["done_form"] = NoteForm()
        return context


class ReviewCreateView(PagePermissionMixin, View):
    permission_required = "purchasing.add_batchreview"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = get_order_or_404(pk)
        form = ReviewFlagForm(request.POST, products=selectors.reorder_products(order))
        if not form.is_valid():
            messages.error(request, _("Choose a product that was bought before."))
            return redirect("purchasing:order_detail", pk=order.pk)
        try:
            services.flag_batch_difference(
                actor=request.user,
                purchase_order_id=order.pk,
                product_id=form.cleaned_data["product"],
                photos_differ=form.cleaned_data["photos_differ"],
                description_differs=form.cleaned_data["description_differs"],
                price_differs=form.cleaned_data["price_differs"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Flagged: the editor will review the listing."))
        return redirect("purchasing:order_detail", pk=order.pk)


class ReviewDoneView(PagePermissionMixin, View):
    permission_required = "purchasing.change_batchreview"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            services.complete_batch_review(actor=request.user, review_id=pk, note=note)
        except DomainError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Review marked done."))
        return redirect(f"{reverse('purchasing:review_list')}?status=open")
