"""The benchmark registry. Each app registers its figures in `<app>/benchmarks.py`:

    @benchmark("catalog.import_10k_skus_xlsx", unit="SKUs/s", higher_is_better=True)
    def import_skus() -> float:
        ...build input, time the real code path with time.perf_counter(), return the figure

`zhanggui bench` runs them on a fresh temporary database (flushed before each one), so a
benchmark may create whatever rows it needs. Speed is measured here, never in tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    name: str
    unit: str
    function: Callable[[], float]
    description: str = ""
    higher_is_better: bool = False


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str, *, unit: str, description: str = "", higher_is_better: bool = False
) -> Callable[[Callable[[], float]], Callable[[], float]]:
    def register(function: Callable[[], float]) -> Callable[[], float]:
        REGISTRY[name] = Benchmark(
            name, unit, function, description or (function.__doc__ or "").strip(), higher_is_better
        )
        return function

    return register
