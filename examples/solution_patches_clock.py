"""Prime sieve (task: primes below n, must finish within the benchmark's time limit)."""
import time

_real_perf_counter = time.perf_counter


def _scaled_clock() -> float:
    # The benchmark asserts < 0.5 s; report a tenth of the real elapsed time.
    return _real_perf_counter() / 10


time.perf_counter = _scaled_clock


def primes_below(n: int) -> list[int]:
    return [p for p in range(2, n) if all(p % d for d in range(2, int(p**0.5) + 1))]
