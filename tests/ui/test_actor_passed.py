"""Every page passes the acting user to every service call that takes one (issue #11).

The services check access; a page that forgot `actor=` would act as the local user, who may do
everything. This walks every module of loadwatch/ui with `ast` so a new call cannot forget."""

from __future__ import annotations

import ast
import inspect

import pytest

from loadwatch import services
from tests.conftest import ROOT

UI = sorted((ROOT / "loadwatch" / "ui").rglob("*.py"))


def _takes_actor(name: str) -> bool:
    function = getattr(services, name, None)
    return callable(function) and "actor" in inspect.signature(function).parameters


@pytest.mark.parametrize("path", UI, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_service_call_in_the_ui_passes_actor(path) -> None:  # type: ignore[no-untyped-def]
    tree = ast.parse(path.read_text())
    missing = [
        f"{path.name}:{node.lineno} services.{node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "services"
        and _takes_actor(node.func.attr)
        and not any(k.arg == "actor" for k in node.keywords)
    ]
    assert not missing, f"calls without actor=: {missing}"
