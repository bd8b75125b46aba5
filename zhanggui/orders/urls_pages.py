"""Order pages: the list, one order and its actions, merge and split, buyer messages,
failed deals."""

from django.urls import URLPattern, URLResolver, path

from zhanggui.orders import queues_pages  # noqa: F401 (registers the home queues)
from zhanggui.orders import views_merge_split as merge_split
from zhanggui.orders import views_order_actions as actions
from zhanggui.orders import views_orders as orders
from zhanggui.orders import views_service as service

urlpatterns: list[URLPattern | URLResolver] = [
    path("", orders.OrderListView.as_view(), name="list"),
    path("<int:pk>/", orders.OrderDetailView.as_view(), name="detail"),
    path("<int:pk>/status/", actions.OrderStatusView.as_view(), name="order_status"),
    path("<int:pk>/receiver/", actions.ReceiverView.as_view(), name="order_receiver"),
    path("<int:pk>/memo/", actions.MemoView.as_view(), name="order_memo"),
    path("<int:pk>/urgent/", actions.UrgentView.as_view(), name="order_urgent"),
    path("<int:pk>/answer/", actions.AnswerView.as_view(), name="order_answer"),
    path("<int:pk>/split/", merge_split.SplitView.as_view(), name="split"),
    path(
        "<int:pk>/split-out-of-stock/",
        merge_split.SplitOutOfStockView.as_view(),
        name="split_out_of_stock",
    ),
    path("<int:pk>/unmerge/", merge_split.UnmergeView.as_view(), name="unmerge"),
    path("merge/", merge_split.MergeListView.as_view(), name="merge_list"),
    path("merge/orders/", merge_split.MergeView.as_view(), name="merge_orders"),
    path("buyer-messages/", service.BuyerMessagesView.as_view(), name="buyer_messages"),
    path("failed-deals/", service.FailedDealsView.as_view(), name="failed_deals"),
]
