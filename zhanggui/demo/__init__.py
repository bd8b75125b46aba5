"""The demo shop behind `zhanggui demo`: data tables (data_*), pure plans drawn from a seed
(plan_*), builders that write them through the services (build_*), the story clock that
dates six weeks of history (clock), and the runner."""
