"""The stock ledger: append-only moves, and balances kept equal to them (STYLE.md §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.catalog.models import Sku

DEFAULT_WAREHOUSE_CODE = "main"


class Warehouse(models.Model):
    """A place stock is kept. Non-sellable warehouses (e.g. the separate account of defective
    goods never exchanged, 单独建账) hold stock that never counts as available for sale."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    is_default = models.BooleanField(_("default"), default=False)
    is_sellable = models.BooleanField(_("sellable"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["-is_default", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="warehouse_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Bin(models.Model):
    """A shelf position (库位) inside a warehouse."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="bins")
    code = models.CharField(_("code"), max_length=32)

    class Meta:
        verbose_name = _("bin")
        verbose_name_plural = _("bins")
        ordering = ["warehouse", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="bin_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class SkuBin(models.Model):
    """Where a SKU sits: a SKU may sit in several bins; pick lists sort by the primary one."""

    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="bin_places")
    bin = models.ForeignKey(Bin, on_delete=models.CASCADE, related_name="sku_places")
    is_primary = models.BooleanField(_("primary"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sku", "bin"], name="skubin_unique")]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.bin_id}"


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    SALE = "sale", _("Sale shipment")
    CUSTOMER_RETURN = "customer_return", _("Customer return")
    EXCHANGE_OUT = "exchange_out", _("Supplier exchange out")
    EXCHANGE_IN = "exchange_in", _("Supplier exchange in")
    TRANSFER = "transfer", _("Transfer")
    STOCKTAKE = "stocktake", _("Stocktake adjustment")
    ADJUSTMENT = "adjustment", _("Manual adjustment")


class StockMove(models.Model):
    """One change of stock. Never updated or deleted: mistakes get a compensating move."""

    sku = models.ForeignKey(
        Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="moves"
    )
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="moves")
    bin = models.ForeignKey(Bin, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    quantity = models.IntegerField(_("quantity"))
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The document the move came from, e.g. ("receipt", "12") or ("order_line", "881").
    source_type = models.CharField(max_length=32, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sku", "warehouse"]),
            models.Index(fields=["source_type", "source_id"]),
            models.Index(fields=["kind", "created_at"]),
        ]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="move_not_zero")]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity:+d} {self.sku_id}@{self.warehouse_id}"


class StockLevel(models.Model):
    """The balance of one SKU in one warehouse, changed only with its move, in one transaction."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="stock_levels")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="levels")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["sku", "warehouse"], name="level_unique_sku_warehouse"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="level_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="level_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}@{self.warehouse_id}: {self.on_hand}/{self.reserved}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class DailySkuSales(models.Model):
    """Net units a SKU sold on one shop day (Asia/Shanghai, the date of the moves'
    created_at): its sale moves less its customer returns, over every warehouse. Like
    StockLevel it is derived from the ledger and changed only by inventory.services, in the
    moves' transaction (inventory.daily_sales); check-stock compares it with the ledger.
    Velocity reads a window of these rows instead of the window's moves."""

    # Derived rows go with their SKU; one with sale moves cannot be deleted (the moves
    # protect it), so only a wipe of the moves first (the demo's reset) gets here.
    sku = models.ForeignKey(Sku, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    units = models.IntegerField(_("units sold"), default=0)  # below 0 when returns win

    class Meta:
        verbose_name = _("daily sales of a SKU")
        verbose_name_plural = _("daily sales of SKUs")
        constraints = [
            models.UniqueConstraint(fields=["sku", "day"], name="daily_sales_unique_sku_day")
        ]
        # Velocity sums one window of days over every SKU: the index covers that query.
        indexes = [models.Index(fields=["day", "sku", "units"], name="daily_sales_day_sku_units")]

    def __str__(self) -> str:
        return f"{self.sku_id} {self.day}: {self.units}"


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("reservation", "Active")
    RELEASED = "released", _("Released")
    CONSUMED = "consumed", _("Shipped")


class Reservation(models.Model):
    """Stock held for a document (an order line). One active reservation per source and SKU."""

    sku = models.ForeignKey(Sku, on_delete=models.PROTECT, related_name="reservations")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="reservations")
    quantity = models.PositiveIntegerField(_("quantity"))
    source_type = models.CharField(max_length=32)
    source_id = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="reservation_positive"),
            models.UniqueConstraint(
                fields=["source_type", "source_id", "sku"],
                condition=Q(status="active"),
                name="reservation_one_active_per_source",
            ),
        ]
        indexes = [models.Index(fields=["sku", "warehouse", "status"])]

    def __str__(self) -> str:
        return f"{self.source_type}:{self.source_id} {self.quantity}×{self.sku_id}"


class VelocityClass(models.TextChoices):
    HOT = "hot", _("Hot")
    STEADY = "steady", _("Steady")
    SLOW = "slow", _("Slow")


class StockPolicy(models.Model):
    """The shop's stock rules (one row, pk=1): how velocity classes are drawn from recent
    sales, and each class's warning level and safety stock (DOMAIN.md §3)."""

    window_days = models.PositiveSmallIntegerField(_("sales window (days)"), default=30)
    hot_min_units = models.PositiveIntegerField(_("hot from units sold"), default=30)
    slow_max_units = models.PositiveIntegerField(_("slow up to units sold"), default=3)
    warning_hot = models.PositiveIntegerField(_("warning level, hot"), default=20)
    warning_steady = models.PositiveIntegerField(_("warning level, steady"), default=8)
    warning_slow = models.PositiveIntegerField(_("warning level, slow"), default=2)
    safety_hot = models.PositiveIntegerField(_("safety stock, hot"), default=10)
    safety_steady = models.PositiveIntegerField(_("safety stock, steady"), default=4)
    safety_slow = models.PositiveIntegerField(_("safety stock, slow"), default=0)
    review_days = models.PositiveSmallIntegerField(_("days between purchase reviews"), default=7)

    class Meta:
        verbose_name = _("stock policy")
        verbose_name_plural = _("stock policy")

    def __str__(self) -> str:
        return "stock policy"

    def warning_level(self, velocity: str) -> int:
        return {"hot": self.warning_hot, "steady": self.warning_steady}.get(
            velocity, self.warning_slow
        )

    def safety_stock(self, velocity: str) -> int:
        return {"hot": self.safety_hot, "steady": self.safety_steady}.get(
            velocity, self.safety_slow
        )


class StocktakeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COUNTING = "counting", _("Counting")
    POSTED = "posted", _("Posted")
    CANCELLED = "cancelled", _("Cancelled")


class Stocktake(models.Model):
    """A physical count (盘点) of one warehouse, or of the SKUs in some of its bins, or of
    some SKUs. Expected quantities are taken when counting starts; posting turns each
    difference into a stocktake move (inventory.stocktakes)."""

    number = models.CharField(_("number"), max_length=24, unique=True, null=True, editable=False)
    warehouse = models.ForeignKey(
        Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT, related_name="stocktakes"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=StocktakeStatus.choices, default=StocktakeStatus.DRAFT
    )
    # Scope: no bins and no SKUs chosen means every SKU with a balance or a bin there.
    is_full = models.BooleanField(_("whole warehouse"), default=True)
    bins = models.ManyToManyField(Bin, verbose_name=_("bins"), blank=True, related_name="+")
    skus = models.ManyToManyField(Sku, verbose_name=_("SKUs"), blank=True, related_name="+")
    # Blind: counters see no expected quantities on the sheets or the count page.
    blind = models.BooleanField(_("blind count"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    uncounted_as_zero = models.BooleanField(_("uncounted means zero"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("counting started"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "status", "posted_at"])]
        permissions = [("post_stocktake", _("Can post or cancel stocktakes"))]

    def __str__(self) -> str:
        return self.number or f"PD #{self.pk}"


class StocktakeLine(models.Model):
    """One SKU of a stocktake: what the books said when counting started, and what was
    counted (None: not counted yet)."""

    stocktake = models.ForeignKey(Stocktake, on_delete=models.CASCADE, related_name="lines")
    sku = models.ForeignKey(Sku, verbose_name=_("SKU"), on_delete=models.PROTECT, related_name="+")
    bin_codes = models.CharField(_("bins"), max_length=200, blank=True)
    expected = models.IntegerField(_("expected"))
    counted = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    # Cost price when counting started: the value of a difference does not drift after.
    unit_cost = models.DecimalField(
        _("unit cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    found_during_count = models.BooleanField(_("found during the count"), default=False)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["stocktake", "bin_codes", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "sku"], name="stocktake_line_unique_sku")
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id}:{self.sku_id} {self.expected}/{self.counted}"
