"""Run a hostile read in a child process with a memory cap, and time it there.

A hostile input must end in the library's own error or in a finding, quickly and in
little memory. Checking memory needs a separate process: :func:`run_bounded` starts a
Python child whose address space is capped with ``resource.setrlimit(RLIMIT_AS)``
before anything is imported, runs the code given, times the call ``run()`` that the
code defines (imports excluded, so a cold start does not count), and returns what
``run()`` returned (a string) with the time it took. A child that blows the cap dies
with ``MemoryError`` and the test fails with its output.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import attrs

__all__ = ["HANG", "MEMORY_CAP", "Bounded", "run_bounded"]

HANG = 10.0
"""Seconds past which a hostile read counts as hung. Not a speed figure (speed is
measured in ``benchmarks/``): a hostile file is refused in milliseconds, while a read
that blocks (a FIFO), expands (billions of aliases) or loops never ends; the bound
only tells those apart, with room for a loaded machine."""

MEMORY_CAP = 300 * 1024 * 1024
"""Address space of the child (imports included)."""

_CHILD = """\
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
{code}
start = time.perf_counter()
result = run()
elapsed = time.perf_counter() - start
print(json.dumps({{"elapsed": elapsed, "result": result}}))
"""


@attrs.frozen
class Bounded:
    """What the child's ``run()`` returned, and how long it took (seconds)."""

    result: str
    elapsed: float


def run_bounded(code: str, *, timeout: float = 60.0) -> Bounded:
    """Run ``code`` (which defines ``run() -> str``) in a capped child process.

    The child has this process's ``sys.path``; a child stuck (on a FIFO, say) past
    ``timeout`` seconds fails the test.
    """
    script = _CHILD.format(cap=MEMORY_CAP, code=textwrap.dedent(code))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    found = json.loads(last)
    return Bounded(found["result"], found["elapsed"])
