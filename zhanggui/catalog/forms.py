"""Operator-page forms of the catalog. They check shape only (lengths, choices, blanks);
every business rule is the services' and comes back as InvalidInput/DuplicateCode, which
`show_service_error` places next to the field it concerns."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog import selectors
from zhanggui.catalog.models import Category, ListingStatus, ProductLine
from zhanggui.channels.models import Shop
from zhanggui.core.errors import DomainError, InvalidInput

SKU_FIELDS = (
    "color",
    "size",
    "merchant_code",
    "barcode",
    "price",
    "vip_price",
    "cost_price",
    "weight_g",
)
MONEY_INPUT = forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "size": 8})


class ProductForm(forms.Form):
    item_no = forms.CharField(label=_("Item number"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.CharField(
        label=_("Category"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "category-names"}),
    )
    product_line = forms.ChoiceField(
        label=_("Product line"), choices=ProductLine.choices, initial=ProductLine.PROFIT
    )
    is_hero = forms.BooleanField(label=_("Hero item"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProductEditForm(ProductForm):
    """The product form without the item number, which never changes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["item_no"]


class SkuRowForm(forms.Form):
    """One colour × size row. Amounts stay text: the service reads '¥59', '59.00', '1,299'."""

    color = forms.CharField(label=_("Colour"), max_length=40, required=False)
    size = forms.CharField(label=_("Size"), max_length=20, required=False)
    merchant_code = forms.CharField(label=_("Merchant code"), max_length=64, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=32, required=False)
    price = forms.CharField(label=_("Price"), max_length=20, required=False, widget=MONEY_INPUT)
    vip_price = forms.CharField(
        label=_("VIP price"), max_length=20, required=False, widget=MONEY_INPUT
    )
    cost_price = forms.CharField(label=_("Cost"), max_length=20, required=False, widget=MONEY_INPUT)
    weight_g = forms.CharField(
        label=_("Weight (g)"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "num", "size": 6}),
    )

    def __init__(self, *args: Any, can_set_cost: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_set_cost:
            del self.fields["cost_price"]
        for field in self.fields.values():
            # Rows show their labels once, in the table head; screen readers need them here.
            field.widget.attrs.setdefault("aria-label", field.label)

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in SKU_FIELDS if name in self.fields}


class BaseSkuRowFormSet(forms.BaseFormSet):
    def filled(self) -> list[tuple[int, SkuRowForm]]:
        """The rows someone typed into, with their position on the page."""
        return [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() and form.cleaned_data
        ]

    def clean(self) -> None:
        # Two rows of one form repeating a code would otherwise surface as a DB conflict
        # naming neither row.
        if any(self.errors):
            return
        seen: dict[tuple[str, str], int] = {}
        for _index, form in self.filled():
            keys = [
                ("merchant_code", form.cleaned_data["merchant_code"].strip()),
                ("barcode", form.cleaned_data["barcode"].strip()),
                (
                    "size",
                    f"{form.cleaned_data['color'].strip()}\x00{form.cleaned_data['size'].strip()}",
                ),
            ]
            for field, value in keys:
                if value and (field, value) in seen:
                    form.add_error(field, _("Another row has the same value."))
                seen[(field, value)] = 1


SkuRowFormSet = formset_factory(SkuRowForm, formset=BaseSkuRowFormSet, extra=3, max_num=200)


class SkuEditForm(SkuRowForm):
    """Edit one SKU; identity and weight are read-only without catalog.change_sku, prices
    without catalog.change_price; the cost is hidden without catalog.view_cost and read-only
    without catalog.change_cost."""

    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, can_set_cost=user.has_perm("catalog.view_cost"), **kwargs)
        if not user.has_perm("catalog.change_sku"):
            for name in ("color", "size", "merchant_code", "barcode", "weight_g", "is_active"):
                self.fields[name].disabled = True
        if not user.has_perm("catalog.change_price"):
            self.fields["price"].disabled = True
            self.fields["vip_price"].disabled = True
        if "cost_price" in self.fields and not user.has_perm("catalog.change_cost"):
            self.fields["cost_price"].disabled = True
        self.fields["merchant_code"].required = True
        self.fields["price"].required = True

    def changes(self) -> dict[str, Any]:
        """Only the fields the person changed and may change, for update_sku."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if not self.fields[name].disabled
        }


def sku_initial(sku: Any) -> dict[str, Any]:
    """The SKU's values as the form shows them (text, so unchanged fields compare equal)."""

    def text(value: Any) -> str:
        return "" if value is None else f"{value}"

    return {
        "color": sku.color,
        "size": sku.size,
        "merchant_code": sku.merchant_code,
        "barcode": text(sku.barcode),
        "price": text(sku.price),
        "vip_price": text(sku.vip_price),
        "cost_price": text(sku.cost_price),
        "weight_g": text(sku.weight_g),
        "is_active": sku.is_active,
    }


class ListingStatusForm(forms.Form):
    shop = forms.ModelChoiceField(label=_("Shop"), queryset=Shop.objects.all())
    status = forms.ChoiceField(label=_("Status"), choices=ListingStatus.choices)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files at once (Django's documented pattern); content is checked by the
    image service with Pillow, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImageUploadForm(forms.Form):
    images = MultipleImageField(label=_("Images"))


class ImageMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


HERO_CHOICES = [("", _("Any")), ("1", _("Hero items")), ("0", _("Not hero"))]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.all(), required=False, empty_label=_("Any")
    )
    line = forms.ChoiceField(
        label=_("Product line"), choices=[("", _("Any")), *ProductLine.choices], required=False
    )
    hero = forms.ChoiceField(label=_("Hero"), choices=HERO_CHOICES, required=False)
    status = forms.ChoiceField(
        label=_("Listing"), choices=[("", _("Any")), *ListingStatus.choices], required=False
    )
    shop = forms.ModelChoiceField(
        label=_("Shop"), queryset=Shop.objects.all(), required=False, empty_label=_("Any")
    )
    missing = forms.ChoiceField(
        choices=[(key, key) for key in ("", *selectors.PRODUCT_GAPS)],
        required=False,
        widget=forms.HiddenInput,
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("newest", _("Newest first")),
            ("oldest", _("Oldest first")),
            ("item_no", _("Item number")),
            ("-item_no", _("Item number, descending")),
            ("title", _("Title")),
            ("price", _("Lowest price")),
            ("-price", _("Highest price")),
            ("skus", _("Most SKUs")),
        ],
    )

    def filters(self) -> selectors.ProductFilters:
        """The filters to apply; an invalid value is dropped, the valid ones still apply."""
        self.is_valid()
        data = self.cleaned_data
        hero = data.get("hero", "")
        category, shop = data.get("category"), data.get("shop")
        return selectors.ProductFilters(
            q=data.get("q", ""),
            category_id=category.pk if category else None,
            product_line=data.get("line", ""),
            is_hero=None if hero == "" else hero == "1",
            listing_status=data.get("status", ""),
            shop_id=shop.pk if shop else None,
            missing=data.get("missing", ""),
            sort=data.get("sort") or "newest",
        )


SKU_FIELD_PATTERN = re.compile(r"^skus\[(\d+)\]\.(\w+)$")


def _add(form: forms.Form, field: str | None, message: Any) -> bool:
    if field and field in form.fields:
        form.add_error(field, str(message))
        return True
    return False


def show_service_error(
    error: DomainError,
    form: forms.Form,
    rows: list[tuple[int, SkuRowForm]] | None = None,
    *,
    duplicate_field: str | None = None,
) -> None:
    """Put a service's error next to the field it names; what names no field goes on top.

    `rows` are the SKU rows in the order they were passed to the service, so
    `skus[1].price` lands on the second filled row whatever its position on the page.
    `duplicate_field` is where a DuplicateCode that names no field belongs (the item
    number when creating a product, the size when adding a SKU)."""
    rows = rows or []
    if isinstance(error, InvalidInput):
        for name, messages in error.fields.items():
            match = SKU_FIELD_PATTERN.match(name)
            for message in messages:
                if match and int(match.group(1)) < len(rows):
                    placed = _add(rows[int(match.group(1))][1], match.group(2), message)
                else:
                    placed = _add(form, name, message)
                if not placed:
                    form.add_error(None, f"{name}: {message}" if name else message)
        return
    field = error.data.get("field")
    if field in ("merchant_code", "barcode") and rows:
        taken = selectors.taken_codes(field, [row.cleaned_data.get(field, "") for _i, row in rows])
        hits = [row for _i, row in rows if row.cleaned_data.get(field, "").strip() in taken]
        for row in hits:
            row.add_error(field, str(error.message))
        if hits:
            return
    if _add(form, field, error.message):
        return
    if field is None and error.code == "duplicate" and _add(form, duplicate_field, error.message):
        return
    form.add_error(None, str(error.message))
