"""Order benchmarks (`zhanggui bench --only orders`). Each area keeps its figures in its own
module (benchmarks_<area>.py); importing it here registers them."""

from __future__ import annotations

from zhanggui.orders import (
    benchmarks_api,  # noqa: F401
    benchmarks_import,  # noqa: F401
    benchmarks_review,  # noqa: F401
)
