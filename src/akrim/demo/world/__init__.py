"""The synthetic demo world: a made-up Sweden written in the register exchange format.

``generate_world`` is the entry point (used by ``akrim demo-world`` and ``akrim demo
setup``); see ``generate.py``. Pure Python with numpy and polars, no Django.
"""

from akrim.demo.world.generate import WorldSummary, generate_world

__all__ = ["WorldSummary", "generate_world"]
