"""After the parcel leaves (DOMAIN.md §6): what the courier wrote at pickup, tracking
events, claims for lost or damaged parcels with their evidence, and the monthly courier bill
matched line by line against our parcels. Imported at the bottom of models.py."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhanggui.core.models import TimeStampedModel, money_field


class HandoverCheck(models.Model):
    """What the courier wrote for one parcel at pickup (weight, price), to compare with ours."""

    handover = models.ForeignKey(
        "fulfillment.Handover", on_delete=models.CASCADE, related_name="checks"
    )
    parcel = models.OneToOneField(
        "fulfillment.Parcel", on_delete=models.CASCADE, related_name="pickup_check"
    )
    courier_weight_g = models.PositiveIntegerField(_("courier's weight (g)"), null=True)
    courier_price = money_field(_("courier's price"), null=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("courier's figures at pickup")
        verbose_name_plural = _("courier's figures at pickup")

    def __str__(self) -> str:
        return f"{self.handover_id}:{self.parcel_id}"


class TrackingEvent(models.Model):
    """One line of a courier's tracking (揽收, 运输中, 签收...) as imported, with the parcel
    status it means. The fingerprint makes importing the same line twice add nothing."""

    parcel = models.ForeignKey(
        "fulfillment.Parcel", on_delete=models.CASCADE, related_name="tracking_events"
    )
    status = models.CharField(_("status"), max_length=16)  # a ParcelStatus value
    courier_status = models.CharField(_("courier's status"), max_length=40)
    description = models.CharField(_("description"), max_length=255, blank=True)
    happened_at = models.DateTimeField(_("time"))
    fingerprint = models.CharField(max_length=64, unique=True)
    source = models.CharField(_("file"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["parcel", "-happened_at", "-id"]
        indexes = [models.Index(fields=["parcel", "happened_at"])]

    def __str__(self) -> str:
        return f"{self.parcel_id} {self.courier_status}"

    @property
    def status_label(self) -> str:
        from zhanggui.fulfillment.models import ParcelStatus

        return str(ParcelStatus(self.status).label) if self.status in ParcelStatus.values else ""


class ClaimKind(models.TextChoices):
    LOST = "lost", pgettext_lazy("claim", "Lost")
    DAMAGED = "damaged", pgettext_lazy("claim", "Damaged")


class ClaimStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("claim", "Open")
    SUBMITTED = "submitted", pgettext_lazy("claim", "Submitted to the courier")
    PAID = "paid", pgettext_lazy("claim", "Paid")
    REFUSED = "refused", pgettext_lazy("claim", "Refused")


UNSETTLED_CLAIM_STATUSES = (ClaimStatus.OPEN, ClaimStatus.SUBMITTED)


class Claim(TimeStampedModel):
    """A claim (索赔) on the courier for a lost or damaged parcel. The evidence: the stub of
    the handover the parcel left with, the order record, photos."""

    parcel = models.ForeignKey(
        "fulfillment.Parcel", on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ClaimKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN
    )
    # The stub (底单) the parcel was handed over with, as it was when the claim was opened.
    handover = models.ForeignKey(
        "fulfillment.Handover",
        verbose_name=_("handover"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amount_claimed = money_field(_("amount claimed"))
    outcome_amount = money_field(_("amount received"), null=True)
    description = models.TextField(_("what happened"), blank=True)
    outcome_note = models.CharField(_("outcome note"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=Q(status__in=["open", "submitted"]),
                name="claim_one_unsettled_per_parcel",
            ),
            models.CheckConstraint(
                condition=Q(amount_claimed__gte=0), name="claim_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"


def claim_photo_path(instance: ClaimPhoto, filename: str) -> str:
    # A random name: the media view only asks for a signed-in person, so paths are not guessable.
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"claims/{instance.claim_id}/{uuid.uuid4().hex}{suffix}"


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("photo"), upload_to=claim_photo_path, width_field="width", height_field="height"
    )
    name = models.CharField(_("name"), max_length=120)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    size_bytes = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")
        ordering = ["claim", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class BillStatus(models.TextChoices):
    RECONCILED = "reconciled", _("Reconciled")
    SENT_TO_FINANCE = "sent_to_finance", _("Sent to finance")
    CHECKED = "checked", pgettext_lazy("bill", "Checked by finance")


class CourierBill(TimeStampedModel):
    """A courier's monthly statement (月结账单) as imported, matched against our parcels."""

    courier = models.ForeignKey(
        "fulfillment.Courier", on_delete=models.PROTECT, related_name="bills"
    )
    month = models.DateField(_("month"))  # the first day of the billed month
    filename = models.CharField(_("file"), max_length=255)
    content_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BillStatus.choices, default=BillStatus.RECONCILED
    )
    weight_tolerance_g = models.PositiveIntegerField(_("weight tolerance (g)"), default=100)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    billed_total = money_field(_("billed total"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent to finance at"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("courier bill")
        verbose_name_plural = _("courier bills")
        ordering = ["-month", "courier", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["courier", "month"], name="bill_one_per_courier_month")
        ]

    def __str__(self) -> str:
        return f"{self.courier_id} {self.month:%Y-%m}"


class CourierBillLine(models.Model):
    """One billed shipment and what matching found: our parcel (or none), our weight, what
    our price table says, and the differences."""

    bill = models.ForeignKey(CourierBill, on_delete=models.CASCADE, related_name="lines")
    row_number = models.PositiveIntegerField(_("row"))
    tracking_no = models.CharField(_("tracking number"), max_length=40)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    province = models.CharField(_("province"), max_length=20, blank=True)
    billed_weight_g = models.PositiveIntegerField(_("billed weight (g)"))
    amount = money_field(_("amount"))
    parcel = models.ForeignKey(
        "fulfillment.Parcel", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    our_weight_g = models.PositiveIntegerField(_("our weight (g)"), null=True, blank=True)
    # Our price table: at our weight (what we expect to pay) and at the billed weight.
    expected_amount = money_field(_("expected amount"), null=True)
    table_amount = money_field(_("price table at billed weight"), null=True)
    weight_differs = models.BooleanField(default=False)
    price_differs = models.BooleanField(default=False)
    deduction = models.BooleanField(default=False)
    deduction_reason = models.CharField(max_length=16, blank=True)  # the parcel's status

    class Meta:
        verbose_name = _("courier bill line")
        verbose_name_plural = _("courier bill lines")
        ordering = ["bill", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bill", "tracking_no"], name="bill_line_unique_tracking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bill_id} {self.tracking_no}"
