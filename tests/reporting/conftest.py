"""The world of the controls tests (register imported, the named cast, a planner) and
helpers that build carried-out controls through the controls services."""

from __future__ import annotations

from tests.controls.conftest import World, at, world
from tests.controls.test_stats import carried_out, decision, finding, people

__all__ = ["World", "at", "carried_out", "decision", "finding", "people", "world"]
