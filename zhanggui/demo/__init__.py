"""The demo shop behind `zhanggui demo`: data tables (data_*), pure plans drawn from a seed
(plan_*), builders that write them through the services (build_*), and the runner."""
