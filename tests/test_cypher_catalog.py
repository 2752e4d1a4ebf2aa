"""Every catalogued statement parses and declares exactly the parameters it uses."""

from __future__ import annotations

import pytest

import cypher
from app.schema import expected_schema_names


def test_every_statement_declares_its_parameters() -> None:
    names = cypher.names()
    assert names, "no statements found"
    for name in names:
        stmt = cypher.statement(name)
        assert stmt.declared_parameters == stmt.used_parameters


def test_header_mismatch_is_reported() -> None:
    with pytest.raises(cypher.CypherCatalogError, match=r"declares \['a'\] but the statement uses \['b'\]"):
        cypher._parse("x", "// Parameters: $a\nRETURN $b")
    with pytest.raises(cypher.CypherCatalogError, match="no 'Parameters:' line"):
        cypher._parse("x", "RETURN 1")


def test_unknown_statement_names_the_file() -> None:
    with pytest.raises(cypher.CypherCatalogError, match=r"cypher/nope/missing\.cypher"):
        cypher.query("nope/missing")


def test_schema_objects_are_named() -> None:
    assert {"party_id", "identifier_key"} <= expected_schema_names()
