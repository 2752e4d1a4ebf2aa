"""Name matching for screening: normalisation and re-scoring of full-text candidates (pure functions).

Neo4j's full-text index finds candidates; this module decides how good each one is. Names are
transliterated to ASCII (so "Газпром" meets "Gazprom" and "华为" meets "Hua Wei"), case-folded, stripped
of punctuation and of legal-form words (Ltd, GmbH, 有限公司, ООО ...), which say little about identity.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz
from unidecode import unidecode

# Legal forms, written as they appear once transliterated and case-folded. Multi-word forms first.
LEGAL_FORMS = (
    "public limited company", "limited liability company", "limited liability partnership",
    "societe anonyme", "sociedad anonima", "societa per azioni", "aktiengesellschaft",
    "gesellschaft mit beschrankter haftung", "co ltd", "company limited", "joint stock company",
    "closed joint stock company", "open joint stock company", "public joint stock company",
    "you xian gong si", "gu fen you xian gong si", "you xian ze ren gong si",
    "ltd", "limited", "plc", "llc", "llp", "lp", "inc", "incorporated", "corp", "corporation", "co",
    "company", "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "ab", "as", "asa",
    "kk", "pjsc", "ojsc", "cjsc", "jsc", "ooo", "zao", "oao", "pao", "ao", "tov", "pte", "pty", "bhd", "sdn",
)
_FORMS = sorted(LEGAL_FORMS, key=len, reverse=True)
_FORM_RE = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in _FORMS) + r")\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Characters with meaning in Lucene's query syntax.
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')


def fold(text: str) -> str:
    """Transliterated, case-folded, punctuation as single spaces."""
    ascii_text = unidecode(unicodedata.normalize("NFKC", text)).casefold()
    return _NON_WORD.sub(" ", ascii_text).strip()


def normalise_name(text: str) -> str:
    """The identity-bearing part of a name: folded, without legal-form words (kept if nothing else is left)."""
    folded = fold(text)
    stripped = _NON_WORD.sub(" ", _FORM_RE.sub(" ", folded)).strip()
    return stripped or folded


def normalise_registration(number: str) -> str:
    """Registration numbers compare without spaces, punctuation, case or leading zeros."""
    return _NON_WORD.sub("", fold(number)).lstrip("0")


def lucene_query(name: str, fuzzy: bool = True, legal_forms_boost: float | None = None) -> str:
    """A full-text query for a name: each normalised word, any of them may match; with `fuzzy`, words of five
    letters or more also match at one edit (a typo). Exact queries are several times cheaper.
    With `legal_forms_boost`, the legal-form words the normalisation dropped still rank names that have them
    higher, by that weight, without matching anything by themselves: "Bank Saderat PLC" then comes before
    "Bank Saderat Iran" rather than tying with it."""
    words = [w for w in normalise_name(name).split() if w]
    terms = [_lucene_escape(w) + ("~1" if fuzzy and len(w) >= 5 else "") for w in words[:12]]
    if not terms:
        return '""'
    query = " ".join(terms)
    if legal_forms_boost is None:  # screening, a query per name screened, adds no legal forms
        return query
    kept = set(words)
    forms = [w for w in dict.fromkeys(fold(name).split()) if w not in kept][:6]
    if not forms:
        return query
    return f"+({query}) " + " ".join(f"{_lucene_escape(w)}^{legal_forms_boost:g}" for w in forms)


def _lucene_escape(word: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", word)


@dataclass(frozen=True)
class Candidate:
    party_id: str
    names: tuple[str, ...]
    jurisdiction: str | None = None
    headquarters: str | None = None
    address_country: str | None = None
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    score: float  # 0..1
    matched_name: str
    explanation: tuple[str, ...]


def score(query_name: str, candidate: Candidate, country: str | None = None,
          registration_number: str | None = None) -> Scored:
    """How well a candidate matches: best name similarity, adjusted by country and registration number."""
    wanted = normalise_name(query_name)
    best, best_name = 0.0, candidate.names[0] if candidate.names else ""
    for name in candidate.names:
        similarity = fuzz.token_sort_ratio(wanted, normalise_name(name)) / 100.0
        if similarity > best:
            best, best_name = similarity, name
    value = best
    why = [f"name {best:.2f}"]
    countries = {c for c in (candidate.jurisdiction, candidate.headquarters, candidate.address_country) if c}
    if country:
        if country in countries:
            value = min(1.0, value + 0.05)
            why.append(f"country {country} matches")
        elif countries:
            value *= 0.8
            why.append(f"country {country} differs ({', '.join(sorted(countries))})")
    if registration_number:
        wanted_number = normalise_registration(registration_number)
        numbers = {normalise_registration(key.split(":", 1)[1]) for key in candidate.identifiers if ":" in key}
        if wanted_number and wanted_number in numbers:
            value = min(1.0, max(value, 0.9) + 0.1)
            why.append("registration number matches")
        elif numbers and wanted_number:
            value *= 0.85
            why.append("registration number differs")
    return Scored(candidate, round(value, 4), best_name, tuple(why))
