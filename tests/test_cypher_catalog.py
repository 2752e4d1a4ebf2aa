"""Every catalogued statement parses and declares exactly the parameters it uses."""

from __future__ import annotations

import re
from pathlib import Path

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


def _reader(files: dict[str, str]) -> cypher.Reader:
    return lambda path: files.get(path)


def test_include_puts_the_fragments_body_at_the_lines_indent() -> None:
    files = {"fragments/inner.cypher": "// the innermost\n// Parameters: $b\nWITH $b AS b\n",
             "fragments/outer.cypher": "// Parameters: $b\nCALL () {\n  :include inner\n  RETURN b\n}\n"}
    stmt = cypher._parse("x", "// Parameters: $a, $b\nWITH $a AS a\n  :include outer\nRETURN a\n",
                         _reader(files))
    assert stmt.text.splitlines() == ["// Parameters: $a, $b", "WITH $a AS a", "  CALL () {", "    WITH $b AS b",
                                      "    RETURN b", "  }", "RETURN a"]
    assert stmt.used_parameters == {"a", "b"}


def test_include_errors_name_the_file_and_line() -> None:
    files = {"fragments/uses_b.cypher": "// Parameters: $b\nWITH $b AS b\n",
             "fragments/loop.cypher": "// Parameters: none\n:include loop\n",
             "fragments/bad_header.cypher": "// Parameters: $c\nRETURN 1\n"}
    with pytest.raises(cypher.CypherCatalogError, match=r"x\.cypher: header declares \['a'\] but the statement "
                                                        r"uses \['a', 'b'\]"):
        cypher._parse("x", "// Parameters: $a\nWITH $a AS a\n:include uses_b\n", _reader(files))
    with pytest.raises(cypher.CypherCatalogError, match=r"cypher/x\.cypher, line 3: no fragment 'gone' "
                                                        r"\(looked for cypher/fragments/gone\.cypher\)"):
        cypher._parse("x", "// Parameters: none\nRETURN 1\n:include gone\n", _reader(files))
    with pytest.raises(cypher.CypherCatalogError, match=r"cypher/fragments/loop\.cypher, line 2: fragment 'loop' "
                                                        r"includes itself \(loop -> loop\)"):
        cypher._parse("x", "// Parameters: none\n:include loop\n", _reader(files))
    with pytest.raises(cypher.CypherCatalogError, match=r"cypher/fragments/bad_header\.cypher: header declares"):
        cypher._parse("x", "// Parameters: none\n:include bad_header\n", _reader(files))


def test_fragments_are_not_statements_and_each_is_used() -> None:
    names = cypher.names()
    assert not [n for n in names if n.startswith("fragments/")]
    with pytest.raises(cypher.CypherCatalogError, match="no Cypher statement named 'fragments/data_stamps'"):
        cypher.statement("fragments/data_stamps")
    fragments = {path.stem for path in (Path(cypher.__file__).parent / "fragments").glob("*.cypher")}
    assert fragments, "no fragments found"
    raw = [cypher._read(f"{name}.cypher") or "" for name in names]
    raw += [cypher._read(f"fragments/{name}.cypher") or "" for name in fragments]
    for fragment in fragments:
        used = re.compile(rf"^\s*:include {re.escape(fragment)}(\(.*\))?$", re.M)
        assert any(used.search(text) for text in raw), f"fragment {fragment} is never included"
    for name in names:  # every include was a line of its own, so none is left
        assert ":include" not in cypher.query(name)


def test_a_fragment_takes_its_arguments_in_place_of_their_names() -> None:
    """A fragment's `Arguments:` names are replaced where they stand as whole words (a label spelt in
    mixed case, or a longer word holding one, is left alone); a wrong count names the file and line."""
    files = {"fragments/newest.cypher": "// Arguments: MATCHING, VERDICT, LAYERS\n// Parameters: none\n"
                                        "MATCHING (VERDICT:Verdict) WHERE VERDICT.generation IN LAYERS\n"
                                        "RETURN VERDICT AS VERDICTS, VERDICT.layer\n",
             "fragments/plain.cypher": "// Parameters: none\nRETURN 1\n"}
    stmt = cypher._parse("x", "// Parameters: $layers\nCALL () {\n  :include newest(OPTIONAL MATCH, v, $layers)\n}\n",
                         _reader(files))
    assert stmt.text == ("// Parameters: $layers\nCALL () {\n"
                         "  OPTIONAL MATCH (v:Verdict) WHERE v.generation IN $layers\n"
                         "  RETURN v AS VERDICTS, v.layer\n}\n")
    assert stmt.used_parameters == {"layers"}
    with pytest.raises(cypher.CypherCatalogError, match=r"cypher/x\.cypher, line 2: fragment 'newest' takes 3 "
                                                        r"argument\(s\) \(MATCHING, VERDICT, LAYERS\), given 'v, \$l'"):
        cypher._parse("x", "// Parameters: $l\n:include newest(v, $l)\n", _reader(files))
    with pytest.raises(cypher.CypherCatalogError, match=r"line 2: fragment 'newest' takes 3 argument\(s\).*given None"):
        cypher._parse("x", "// Parameters: none\n:include newest\n", _reader(files))
    with pytest.raises(cypher.CypherCatalogError, match=r"line 2: fragment 'plain' takes 0 argument\(s\) \(none\)"):
        cypher._parse("x", "// Parameters: none\n:include plain(v)\n", _reader(files))
    # an argument left empty is refused too
    with pytest.raises(cypher.CypherCatalogError, match=r"given 'MATCH, , \$l'"):
        cypher._parse("x", "// Parameters: $l\n:include newest(MATCH, , $l)\n", _reader(files))
