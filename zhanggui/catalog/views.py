from __future__ import annotations

from django.views.generic import ListView

from zhanggui.catalog.models import Product
from zhanggui.staff.access import PagePermissionMixin


class ProductListView(PagePermissionMixin, ListView):  # type: ignore[type-arg]
    permission_required = "catalog.view_product"
    model = Product
    template_name = "catalog/product_list.html"
    paginate_by = 50
