"""What routes receive: services built once in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from app.db import Graph
from app.settings import Settings


@dataclass
class Services:
    settings: Settings
    graph: Graph
