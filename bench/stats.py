"""Pure helpers for latency statistics: percentiles and one run's summary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between ranks; None for no values."""
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Summary:
    """One measured run: successful messages, their rate and latency, and the errors by kind."""

    messages: int
    elapsed_s: float
    msgs_per_s: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    errors: dict[str, int] = field(default_factory=dict)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict:
        return {**asdict(self), "error_count": self.error_count}


def summarize(latencies_ms: Sequence[float], errors: Mapping[str, int], elapsed_s: float) -> Summary:
    """Summarise the latencies of the successful messages of a run that lasted `elapsed_s`."""
    if elapsed_s <= 0:
        raise ValueError("elapsed_s must be positive")
    return Summary(
        messages=len(latencies_ms),
        elapsed_s=round(elapsed_s, 3),
        msgs_per_s=len(latencies_ms) / elapsed_s,
        p50_ms=percentile(latencies_ms, 50),
        p95_ms=percentile(latencies_ms, 95),
        p99_ms=percentile(latencies_ms, 99),
        max_ms=max(latencies_ms) if latencies_ms else None,
        errors={kind: count for kind, count in sorted(errors.items()) if count},
    )


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator
