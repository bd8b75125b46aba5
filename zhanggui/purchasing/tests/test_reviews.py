from __future__ import annotations

import pytest

from zhanggui.core.errors import Conflict, InvalidInput
from zhanggui.purchasing import services
from zhanggui.purchasing.exceptions import InvalidTransition
from zhanggui.purchasing.models import BatchReview
from zhanggui.purchasing.selectors import count_open_reviews
from zhanggui.purchasing.tests.factories import make_product, make_supplier, placed_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def reorder():
    product = make_product("T-100")
    supplier = make_supplier()
    placed_order(supplier, [("T-100-W-S", 2, "18")])
    return product, placed_order(supplier, [("T-100-W-S", 20, "18")])


def test_flag_reorder_raises_a_review_for_the_editor_until_done(make_user, reorder):
    product, order = reorder
    buyer, editor = make_user("buyer"), make_user("editor")
    review = services.flag_batch_difference(
        actor=buyer,
        purchase_order_id=order.pk,
        product_id=product.pk,
        photos_differ=True,
        note="领口换了罗纹",
    )
    assert (review.status, review.raised_by, review.photos_differ) == ("open", buyer, True)
    assert count_open_reviews() == 1
    services.complete_batch_review(actor=editor, review_id=review.pk, note="已重拍")
    review.refresh_from_db()
    assert (review.status, review.done_by, review.done_note) == ("done", editor, "已重拍")
    assert count_open_reviews() == 0
    with pytest.raises(InvalidTransition):
        services.complete_batch_review(actor=editor, review_id=review.pk)


def test_flag_twice_while_open_is_a_conflict(reorder):
    product, order = reorder
    services.flag_batch_difference(
        actor=None, purchase_order_id=order.pk, product_id=product.pk, price_differs=True
    )
    with pytest.raises(Conflict):
        services.flag_batch_difference(
            actor=None, purchase_order_id=order.pk, product_id=product.pk, photos_differ=True
        )
    assert BatchReview.objects.count() == 1


def test_flag_first_batch_or_nothing_ticked_is_refused(reorder):
    product, order = reorder
    with pytest.raises(InvalidInput) as error:
        services.flag_batch_difference(
            actor=None, purchase_order_id=order.pk, product_id=product.pk
        )
    assert list(error.value.fields) == ["photos_differ"]
    new = make_product("T-200")
    first = placed_order(order.supplier, [("T-200-W-S", 2, "18")])
    with pytest.raises(InvalidInput) as error:
        services.flag_batch_difference(
            actor=None, purchase_order_id=first.pk, product_id=new.pk, price_differs=True
        )
    assert list(error.value.fields) == ["product"]
    assert not BatchReview.objects.exists()
