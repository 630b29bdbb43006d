"""No `<defunct>` processes after an import's process pool, even across an exec (issue #13).

`loadwatch dashboard --demo` loads the demo through the forkserver pool, then execs Streamlit in
the same process. The pool's forkserver and resource tracker are children of that process; after
the exec nobody waited for them and they stayed as zombies. The child script below does the
same: a pool, `services.stop_pool_helpers()` (what the dashboard command calls), an exec; the
exec'd program lists its own children from /proc.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

_CHILDREN = textwrap.dedent(
    """
    import json, os, time

    def children():
        states = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
            if int(ppid) == os.getpid():
                states.append(state)
        return states

    # An orphaned helper exits once it notices its closed pipe: wait until none is running.
    deadline = time.monotonic() + 10
    while any(s != "Z" for s in children()) and time.monotonic() < deadline:
        time.sleep(0.1)
    children = children()
    print(json.dumps(children))
    """
)


def _children_after_exec(stop_helpers: bool) -> list[str]:
    script = textwrap.dedent(
        f"""
        import os, sys
        from loadwatch import services
        from loadwatch.services import parse_pool

        if __name__ == "__main__":
            with parse_pool.worker_pool() as pool:
                assert pool.submit(os.getpid).result() != os.getpid()
            if {stop_helpers!r}:
                services.stop_pool_helpers()
            os.execv(sys.executable, [sys.executable, "-c", {_CHILDREN!r}])
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    return list(json.loads(out.splitlines()[-1]))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_zombie_children_after_a_pool_and_an_exec() -> None:
    assert _children_after_exec(stop_helpers=True) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_without_stopping_the_helpers_they_end_as_zombies() -> None:
    # The control: this is the bug the dashboard command's call prevents.
    assert _children_after_exec(stop_helpers=False) == ["Z", "Z"]


def test_stop_pool_helpers_without_a_pool_does_nothing() -> None:
    from loadwatch import services

    services.stop_pool_helpers()
    services.stop_pool_helpers()
