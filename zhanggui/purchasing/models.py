"""Purchasing: suppliers, purchase orders, receipts, supplier exchanges, the supplier ledger.

Eleven models, one over the usual ten: each is a document people print or file (PO,
receipt, exchange list, payment) or its lines; merging any two would mix documents."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhanggui.catalog.models import Product, Sku
from zhanggui.core.models import TimeStampedModel, money_field
from zhanggui.inventory.models import VelocityClass, Warehouse
from zhanggui.purchasing.status import ExchangeStatus, PurchaseOrderStatus, ReviewStatus


class Supplier(TimeStampedModel):
    """A wholesaler or factory the shop buys from (供应商), e.g. a stall at 十三行 or 四季青."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    # Days from order to goods in the warehouse; replenishment looks this far ahead.
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        permissions = [
            ("view_supplier_ledger", _("Can see supplier ledgers and statements")),
            ("record_payment", _("Can record payments to suppliers")),
        ]

    def __str__(self) -> str:
        return self.name


class SupplierContact(models.Model):
    """One more person at a supplier besides the main contact (boss, sales, stall helper)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=30, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("supplier contact")
        verbose_name_plural = _("supplier contacts")
        ordering = ["supplier", "id"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(TimeStampedModel):
    """A purchase order (采购单). Lines are edited only in draft; status changes only through
    services.transition, each leaving a PurchaseOrderEvent."""

    # Set right after the insert from the date and the id: PO20261123-0012.
    number = models.CharField(_("number"), max_length=24, unique=True, null=True, editable=False)
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="orders"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=PurchaseOrderStatus.choices,
        default=PurchaseOrderStatus.DRAFT,
    )
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    transport_cost = money_field(_("transport cost"))
    note = models.TextField(_("note"), blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "expected_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(transport_cost__gte=0), name="po_transport_not_negative"
            )
        ]
        permissions = [("receive_purchaseorder", _("Can receive goods against purchase orders"))]

    def __str__(self) -> str:
        return self.number or f"PO #{self.pk}"


class PurchaseOrderLine(models.Model):
    """One SKU of a PO. received_quantity counts every unit delivered, defective included:
    defective units are replaced through the exchange list, not delivered again."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_cost = money_field(_("unit cost"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    defective_quantity = models.PositiveIntegerField(_("defective"), default=0)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "sku"], name="po_line_unique_sku"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="po_line_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(defective_quantity__lte=models.F("received_quantity")),
                name="po_line_defective_within_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}:{self.sku_id}×{self.quantity}"

    @property
    def outstanding(self) -> int:
        return max(self.quantity - self.received_quantity, 0)


class PurchaseOrderEvent(models.Model):
    """One status change of a PO: who, when, from, to, why. Append-only."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(
        _("from"), max_length=16, choices=PurchaseOrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=PurchaseOrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("purchase order event")
        verbose_name_plural = _("purchase order events")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.purchase_order_id}: {self.from_status} → {self.to_status}"


class Receipt(models.Model):
    """A receipt note (入库单): what one delivery against a PO brought, counted by SKU."""

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, editable=False)
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, related_name="receipts"
    )
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number or f"RK #{self.pk}"


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("received"))
    defective_quantity = models.PositiveIntegerField(_("defective"), default=0)
    unit_cost = money_field(_("unit cost"))
    over_reason = models.CharField(_("reason for receiving more"), max_length=200, blank=True)

    class Meta:
        ordering = ["receipt", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="receipt_line_positive"),
            models.CheckConstraint(
                condition=Q(defective_quantity__lte=models.F("quantity")),
                name="receipt_line_defective_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_id}:{self.sku_id}×{self.quantity}"

    @property
    def good_quantity(self) -> int:
        return self.quantity - self.defective_quantity


class ExchangeList(models.Model):
    """A supplier exchange list (换货单): the defective units of one receipt, sent back for
    replacement. Replacements come in against it; closing it moves what never came back to
    the separate non-sellable account."""

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, editable=False)
    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="exchange_list")
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="exchanges"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ExchangeStatus.choices, default=ExchangeStatus.OPEN
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("exchange list")
        verbose_name_plural = _("exchange lists")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("receive_exchange", _("Can receive goods exchanged by suppliers")),
            ("close_exchangelist", _("Can close exchange lists")),
        ]

    def __str__(self) -> str:
        return self.number or f"HH #{self.pk}"


class ExchangeLine(models.Model):
    exchange_list = models.ForeignKey(ExchangeList, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(PurchaseOrderLine, on_delete=models.PROTECT, related_name="+")
    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("defective"))
    returned_quantity = models.PositiveIntegerField(_("exchanged back"), default=0)
    kept_quantity = models.PositiveIntegerField(_("kept, not exchanged"), default=0)
    unit_cost = money_field(_("unit cost"))

    class Meta:
        ordering = ["exchange_list", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="exchange_line_positive"),
            models.CheckConstraint(
                condition=Q(
                    returned_quantity__lte=models.F("quantity") - models.F("kept_quantity")
                ),
                name="exchange_line_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exchange_list_id}:{self.sku_id}×{self.quantity}"

    @property
    def outstanding(self) -> int:
        return self.quantity - self.returned_quantity - self.kept_quantity


class LedgerKind(models.TextChoices):
    GOODS = "goods", _("Goods received")
    TRANSPORT = "transport", _("Transport cost")
    PAYMENT = "payment", _("Payment")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("Bank transfer")
    ALIPAY = "alipay", _("Alipay")
    WECHAT = "wechat", _("WeChat Pay")
    CASH = "cash", _("Cash")


class SupplierLedgerEntry(models.Model):
    """One line of a supplier's account (往来账), append-only. `amount` is signed: goods and
    transport raise what the shop owes, payments lower it; the balance is the sum."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=16, choices=LedgerKind.choices)
    occurred_on = models.DateField(_("date"))
    amount = money_field(_("amount"))
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("purchase order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    receipt = models.ForeignKey(
        Receipt, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_entries"
    )
    method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier ledger entry")
        verbose_name_plural = _("supplier ledger entries")
        ordering = ["occurred_on", "id"]
        indexes = [models.Index(fields=["supplier", "occurred_on"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on:%Y-%m-%d} {self.amount}"

    @property
    def paid(self) -> Decimal:
        """A payment as people write it: positive."""
        return -self.amount


class BatchReview(models.Model):
    """A re-ordered batch that differs from earlier ones: the editor checks the listing's
    photos, description or price against the new goods."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="batch_reviews"
    )
    photos_differ = models.BooleanField(_("photos differ"), default=False)
    description_differs = models.BooleanField(_("description differs"), default=False)
    price_differs = models.BooleanField(_("price differs"), default=False)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("flagged at"), auto_now_add=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    done_note = models.CharField(_("review note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("batch review")
        verbose_name_plural = _("batch reviews")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(status="open"), name="batch_review_one_open"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product.item_no} ({self.get_status_display()})"


class ReplenishmentRun(models.Model):
    """One replenishment list (补货需求表) as computed at a moment. Its lines are a snapshot,
    so the list the buyer orders from does not change under them."""

    as_of = models.DateTimeField(_("as of"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # None: made by the Thursday job.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    window_days = models.PositiveSmallIntegerField(_("sales window (days)"))
    review_days = models.PositiveSmallIntegerField(_("days between purchase reviews"))
    converted_at = models.DateTimeField(_("turned into orders at"), null=True, blank=True)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("replenishment list")
        verbose_name_plural = _("replenishment lists")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"BH #{self.pk}"


class ReplenishmentLine(models.Model):
    """One SKU to re-order, with every figure its suggested quantity came from."""

    run = models.ForeignKey(ReplenishmentRun, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    # The supplier of the SKU's latest purchase order line; None: never bought yet.
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    velocity = models.CharField(_("velocity"), max_length=8, choices=VelocityClass.choices)
    units_sold = models.PositiveIntegerField(_("units sold"))
    available = models.IntegerField(_("available"))
    on_order = models.PositiveIntegerField(_("on order"))
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"))
    safety_stock = models.PositiveIntegerField(_("safety stock"))
    suggested_quantity = models.PositiveIntegerField(_("suggested quantity"))
    unit_cost = money_field(_("last cost"), null=True)

    class Meta:
        verbose_name = _("replenishment line")
        verbose_name_plural = _("replenishment lines")
        ordering = ["run", "supplier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "sku"], name="replenishment_line_unique_sku"),
            models.CheckConstraint(
                condition=Q(suggested_quantity__gt=0), name="replenishment_line_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.sku_id}×{self.suggested_quantity}"
