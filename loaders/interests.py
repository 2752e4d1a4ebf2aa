"""Interest types of every source mapped to ownership measures and control kinds."""

from __future__ import annotations

from typing import Literal

from loaders.model import ControlKind, Measure

Mapped = tuple[Literal["OWNS"], Measure] | tuple[Literal["CONTROLS"], ControlKind]

# Keys are BODS interest types with case and hyphens removed (0.2/0.3 kebab-case, 0.4 camelCase).
_BODS: dict[str, Mapped] = {
    "shareholding": ("OWNS", "equity"),
    "votingrights": ("OWNS", "votes"),
    "rightstosurplusassetsondissolution": ("OWNS", "economic"),
    "rightstoprofitorincome": ("OWNS", "economic"),
    "righttoprofitorincomefromassets": ("OWNS", "economic"),
    "beneficialownership": ("OWNS", "economic"),
    "appointmentofboard": ("CONTROLS", "board_appointment"),
    "otherinfluenceorcontrol": ("CONTROLS", "significant_influence"),
    "controlviacompanyrulesorarticles": ("CONTROLS", "significant_influence"),
    "rightsgrantedbycontract": ("CONTROLS", "contractual"),
    "conditionalrightsgrantedbycontract": ("CONTROLS", "contractual"),
    "controlbylegalframework": ("CONTROLS", "legal_framework"),
    "settloroftrust": ("CONTROLS", "trust"),
    "trusteeoftrust": ("CONTROLS", "trust"),
    "protectoroftrust": ("CONTROLS", "trust"),
    "beneficiaryoftrust": ("CONTROLS", "trust"),
    "settlor": ("CONTROLS", "trust"),
    "trustee": ("CONTROLS", "trust"),
    "protector": ("CONTROLS", "trust"),
    "beneficiaryoflegalarrangement": ("CONTROLS", "trust"),
    "seniormanagingofficial": ("CONTROLS", "officer"),
    "boardmember": ("CONTROLS", "officer"),
    "boardchair": ("CONTROLS", "officer"),
    "nominee": ("CONTROLS", "nominee"),
    "nominator": ("CONTROLS", "nominee"),
    "enjoymentanduseofassets": ("CONTROLS", "other"),
    "unknowninterest": ("CONTROLS", "other"),
    "unpublishedinterest": ("CONTROLS", "other"),
}

# GLEIF Level 2 relationship types (also found in BODS details written from GLEIF).
GLEIF_RELATIONSHIPS: dict[str, tuple[ControlKind, Literal["direct", "indirect"]]] = {
    "IS_DIRECTLY_CONSOLIDATED_BY": ("accounting_consolidation", "direct"),
    "IS_ULTIMATELY_CONSOLIDATED_BY": ("accounting_consolidation", "indirect"),
    "IS_FUND-MANAGED_BY": ("fund_management", "direct"),
    "IS_SUBFUND_OF": ("fund_management", "direct"),
    "IS_FEEDER_TO": ("fund_management", "direct"),
    "IS_INTERNATIONAL_BRANCH_OF": ("branch", "direct"),
}


def map_bods_interest(interest_type: str, details: str | None) -> Mapped | None:
    normalised = interest_type.replace("-", "").replace("_", "").lower()
    mapped = _BODS.get(normalised)
    if mapped and mapped[1] == "significant_influence" and details:
        for rel_type, (kind, _) in GLEIF_RELATIONSHIPS.items():
            if rel_type in details:
                return ("CONTROLS", kind)
    return mapped


def gleif_directness(details: str | None) -> Literal["direct", "indirect"] | None:
    if not details:
        return None
    for rel_type, (_, directness) in GLEIF_RELATIONSHIPS.items():
        if rel_type in details:
            return directness
    return None
