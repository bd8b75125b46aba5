"""Background jobs of the orders app. Each area keeps its jobs in its own module
(tasks_<area>.py); importing it here registers them with the scheduler (core.schedule
autodiscovers `tasks` modules)."""

from __future__ import annotations

from zhanggui.orders import tasks_review  # noqa: F401
