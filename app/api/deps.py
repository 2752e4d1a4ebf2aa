"""What routes receive: services built once in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db import Graph
from app.policy import Policy
from app.settings import Settings


@dataclass
class Services:
    settings: Settings
    graph: Graph
    policies: dict[str, Policy] = field(default_factory=dict)
