"""What routes receive: services built once in the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from app.api.cache import GenerationView, VerdictCache
from app.api.warming import WarmUp
from app.db import Graph
from app.policy import Policy
from app.settings import Settings


@dataclass
class Services:
    settings: Settings
    graph: Graph
    generations: GenerationView
    cache: VerdictCache
    warm_up: WarmUp
    policies: dict[str, Policy] = field(default_factory=dict)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found
