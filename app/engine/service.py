"""What the CLI and the API call: pick the policy, use the stored verdict when it applies, else compute."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.db import Graph, native
from app.engine.compute import generation_matches
from app.engine.shifted import shifted_verdict, what_if_verdict
from app.engine.verdicts import (
    Change,
    NewerParty,
    current_generation,
    from_generation_verdict,
    on_demand_verdict,
    resolve,
    stored_verdict_by_ref,
)
from app.policy import Policy, PolicyError, load_policies, load_policy
from app.settings import Settings


def active_policies(settings: Settings) -> dict[str, Policy]:
    return {p.id: p for p in load_policies(settings.policies_dir)}


def pick_policy(settings: Settings, policy_id: str | None = None, policy_file: Path | None = None) -> Policy:
    if policy_file is not None:
        return load_policy(policy_file)
    policies = active_policies(settings)
    wanted = policy_id or settings.default_policy
    if wanted not in policies:
        raise PolicyError(f"no active policy {wanted!r} in {settings.policies_dir}; "
                          f"active: {', '.join(sorted(policies)) or 'none'}")
    return policies[wanted]


LOOK_UP: Any = object()  # verdict_for reads the current generation itself


def verdict_for(graph: Graph, policy: Policy, ref: str, as_of: date | None = None,
                changes: list[Change] | None = None, generation: dict[str, Any] | None = LOOK_UP) -> dict[str, Any]:
    """The stored verdict when the generation applies (`generation`: the one the caller serves, or looked
    up), else one evaluated on demand; with `changes`, a what-if verdict (on the generation's date, from the
    generation where the changes do not reach, when it applies)."""
    if generation is LOOK_UP:
        generation = current_generation(graph, policy.id)
    if changes and generation is not None and generation_matches(generation, policy, as_of):
        what_if = what_if_verdict(graph, policy, generation, ref, changes)
        if what_if is not None:
            return what_if
        as_of = as_of or native(generation["as_of"])  # the date the generation's verdicts (`before`) are for
    applies = not changes and generation is not None and generation_matches(generation, policy, as_of)
    if applies and generation is not None:
        stored = stored_verdict_by_ref(graph, policy, generation, ref)
        if not isinstance(stored, NewerParty):
            return stored
        # the generation has no verdict on this party: judge it against its holders' verdicts in the generation
        quick = from_generation_verdict(graph, policy, generation, stored.party, stored.holders)
        if quick is not None:
            return quick
        return on_demand_verdict(graph, policy, stored.party, as_of or datetime.now(UTC).date())
    elif not changes and as_of is not None and generation is not None and generation_matches(generation, policy, None):
        shifted = shifted_verdict(graph, policy, generation, ref, as_of)
        if shifted is not None:
            return shifted
    party = resolve(graph, ref)
    return on_demand_verdict(graph, policy, party, as_of or datetime.now(UTC).date(), changes)
