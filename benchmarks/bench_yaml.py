"""Benchmark of reading YAML data files: the largest bundled bank and hostile files.

Timed (CPU time, best of ``ROUNDS``):

(a) the largest bundled bank (``ai-territorial``, about 190 kB), parsed by
    :func:`ai_procurement._office.yaml.load_yaml` with libyaml's C parser ("after"), by
    the same function with the pure-Python parser (the fallback when PyYAML was built
    without libyaml), and by PyYAML's pure-Python ``SafeLoader`` alone, which is what
    the library used before ("before");
(b) a hostile file of flow collections nested too deeply, at 250 kB and at the 5 MiB
    size limit: "after", refused at the first value nested too deep (libyaml) or by a
    cheap look at the bytes before any parsing (pure-Python fallback);
    "before", PyYAML's pure-Python loader, whose cost per token grows with the nesting
    (timed on the 250 kB file only: the 5 MiB one takes minutes);
(c) a 5 MiB file nested just under the depth limit: millions of values, refused once
    :data:`~ai_procurement._office.yaml.MAX_VALUES` are read.

Targets: the bank at least 3 times faster than before; every hostile file refused in
under a second. The script exits with status 1 when a target is missed.

Run: ``python benchmarks/bench_yaml.py``.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from importlib import resources

import yaml

from ai_procurement._office import yaml as office_yaml
from ai_procurement._office.yaml import MAX_BYTES, MAX_DEPTH, load_yaml

ROUNDS = 3


def best(run: Callable[[], object], rounds: int = ROUNDS) -> float:
    """Smallest CPU time of ``rounds`` runs, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def nested(size: int, depth: int) -> bytes:
    """A flow sequence of blocks nested ``depth`` deep, about ``size`` bytes."""
    block = b"[" * depth + b"1" + b"]" * depth + b","
    return b"[" + (block * (size // len(block)))[:-1] + b"]\n"


def fallback(run: Callable[[], object]) -> Callable[[], object]:
    def call() -> object:
        office_yaml._FAST = False
        try:
            return run()
        finally:
            office_yaml._FAST = True
    return call


def main() -> int:
    bank = (resources.files("ai_procurement.bank") / "questionnaires"
            / "ai-territorial.yaml").read_bytes()
    deep_250k = nested(250_000, MAX_DEPTH + 10)
    deep_5m = nested(MAX_BYTES - 100, MAX_DEPTH + 10)
    wide_5m = nested(MAX_BYTES - 100, MAX_DEPTH - 2)
    assert load_yaml(bank)[1] == []
    failures = 0

    before = best(lambda: yaml.load(bank, Loader=yaml.SafeLoader))
    after = best(lambda: load_yaml(bank))
    python = best(fallback(lambda: load_yaml(bank)))
    print(f"bank ai-territorial ({len(bank) / 1024:.0f} kB): before {before * 1000:.0f} ms, "
          f"after {after * 1000:.0f} ms (libyaml: {getattr(yaml, '__with_libyaml__', False)}), "
          f"pure-Python fallback {python * 1000:.0f} ms; speed-up {before / after:.1f}x")
    if getattr(yaml, "__with_libyaml__", False) and before / after < 3:
        failures += 1
        print("  MISSED: the bank should read at least 3 times faster than before")

    def old_deep() -> None:
        with contextlib.suppress(RecursionError):
            yaml.load(deep_250k, Loader=yaml.SafeLoader)

    before_deep = best(old_deep, 1)
    for name, data in (("250 kB", deep_250k), ("5 MiB", deep_5m)):
        for label, run in (("libyaml", lambda d=data: load_yaml(d)),
                           ("fallback", fallback(lambda d=data: load_yaml(d)))):
            seconds = best(run)
            refused = load_yaml(data)[0] is None
            print(f"too deep, {name}, {label}: {seconds * 1000:.0f} ms "
                  f"({'refused' if refused else 'ACCEPTED'})"
                  + (f"; before {before_deep:.1f} s" if name == "250 kB" else ""))
            if not refused or seconds > 1.0:
                failures += 1
                print("  MISSED: a hostile file must be refused within a second")
    wide = best(lambda: load_yaml(wide_5m), 1)
    refused = load_yaml(wide_5m)[0] is None
    print(f"5 MiB nested {MAX_DEPTH - 1} deep: {wide:.2f} s "
          f"({'refused' if refused else 'ACCEPTED'})")
    if not refused or wide > 1.0:
        failures += 1
        print("  MISSED: a hostile file must be refused within a second")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
