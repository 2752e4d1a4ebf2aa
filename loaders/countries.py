"""Country values to ISO 3166-1 alpha-2: codes, names, subdivisions and registry free text."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry
from unidecode import unidecode

_ALIASES = {
    "uk": "GB", "u.k.": "GB", "great britain": "GB", "britain": "GB", "england": "GB", "wales": "GB",
    "scotland": "GB", "northern ireland": "GB", "england and wales": "GB", "england & wales": "GB",
    "united kingdom (england and wales)": "GB", "cardiff": "GB", "london": "GB",
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "united states of america": "US", "america": "US",
    "russia": "RU", "russian federation": "RU", "iran": "IR", "iran, islamic republic of": "IR",
    "north korea": "KP", "korea, democratic people's republic of": "KP", "dprk": "KP",
    "south korea": "KR", "korea, republic of": "KR", "korea": "KR", "china": "CN", "prc": "CN",
    "people's republic of china": "CN", "hong kong": "HK", "macau": "MO", "taiwan": "TW",
    "taiwan, province of china": "TW", "vietnam": "VN", "syria": "SY", "laos": "LA", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "czech republic": "CZ", "turkey": "TR",
    "türkiye": "TR", "turkiye": "TR", "holland": "NL", "the netherlands": "NL", "ivory coast": "CI",
    "cote d'ivoire": "CI", "brunei": "BN", "cape verde": "CV", "swaziland": "SZ", "burma": "MM",
    "uae": "AE", "jersey": "JE", "guernsey": "GG", "isle of man": "IM", "british virgin islands": "VG",
    "bvi": "VG", "virgin islands, british": "VG", "cayman islands": "KY", "state of palestine": "PS",
    "palestine": "PS", "kosovo": "XK", "micronesia": "FM", "macedonia": "MK", "vatican": "VA",
}
_DEMONYMS = {
    "british": "GB", "english": "GB", "welsh": "GB", "scottish": "GB", "northern irish": "GB",
    "irish": "IE", "american": "US", "canadian": "CA", "chinese": "CN", "russian": "RU", "iranian": "IR",
    "north korean": "KP", "south korean": "KR", "korean": "KR", "german": "DE", "french": "FR",
    "italian": "IT", "spanish": "ES", "portuguese": "PT", "dutch": "NL", "belgian": "BE", "swiss": "CH",
    "austrian": "AT", "polish": "PL", "czech": "CZ", "slovak": "SK", "hungarian": "HU", "romanian": "RO",
    "bulgarian": "BG", "greek": "GR", "turkish": "TR", "cypriot": "CY", "maltese": "MT", "danish": "DK",
    "swedish": "SE", "norwegian": "NO", "finnish": "FI", "icelandic": "IS", "estonian": "EE",
    "latvian": "LV", "lithuanian": "LT", "ukrainian": "UA", "belarusian": "BY", "indian": "IN",
    "pakistani": "PK", "bangladeshi": "BD", "sri lankan": "LK", "nepalese": "NP", "japanese": "JP",
    "vietnamese": "VN", "thai": "TH", "malaysian": "MY", "singaporean": "SG", "indonesian": "ID",
    "filipino": "PH", "australian": "AU", "new zealander": "NZ", "south african": "ZA",
    "nigerian": "NG", "kenyan": "KE", "ghanaian": "GH", "egyptian": "EG", "moroccan": "MA",
    "israeli": "IL", "saudi": "SA", "saudi arabian": "SA", "emirati": "AE", "qatari": "QA",
    "kuwaiti": "KW", "iraqi": "IQ", "syrian": "SY", "lebanese": "LB", "jordanian": "JO",
    "afghan": "AF", "kazakh": "KZ", "uzbek": "UZ", "georgian": "GE", "armenian": "AM", "azerbaijani": "AZ",
    "brazilian": "BR", "argentine": "AR", "argentinian": "AR", "chilean": "CL", "colombian": "CO",
    "mexican": "MX", "peruvian": "PE", "venezuelan": "VE", "cuban": "CU", "hong konger": "HK",
    "taiwanese": "TW", "luxembourger": "LU", "luxembourgish": "LU", "croatian": "HR", "serbian": "RS",
    "slovenian": "SI", "bosnian": "BA", "albanian": "AL", "macedonian": "MK", "montenegrin": "ME",
    "moldovan": "MD", "mauritian": "MU", "zimbabwean": "ZW", "zambian": "ZM", "ugandan": "UG",
    "ethiopian": "ET", "somali": "SO", "sudanese": "SD", "libyan": "LY", "tunisian": "TN", "algerian": "DZ",
}
_SPLIT = re.compile(r"\s*[,/;()]\s*")


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().strip(".")).lower()


@lru_cache(maxsize=4096)
def _single(text: str) -> str | None:
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    if text in _DEMONYMS:
        return _DEMONYMS[text]
    upper = text.upper()
    if len(upper) == 2 and pycountry.countries.get(alpha_2=upper):
        return upper
    if len(upper) == 3 and upper.isalpha():
        country = pycountry.countries.get(alpha_3=upper)
        if country:
            return str(country.alpha_2)
    subdivision = re.fullmatch(r"([A-Z]{2})-[A-Z0-9]{1,3}", upper)
    if subdivision and pycountry.countries.get(alpha_2=subdivision.group(1)):
        return subdivision.group(1)
    try:
        country = pycountry.countries.lookup(text)
        return str(country.alpha_2)
    except LookupError:
        pass
    ascii_text = unidecode(text)
    if ascii_text != text:
        return _single(ascii_text)
    return None


def normalise_country(value: object) -> str | None:
    """ISO alpha-2 for a code, name, demonym, subdivision or registry free text; None when unknown."""
    if value is None:
        return None
    text = _clean(str(value))
    if not text:
        return None
    found = _single(text)
    if found:
        return found
    # "Minnesota, Usa", "Delaware, United States": the country is usually the last part.
    for part in reversed(_SPLIT.split(text)):
        found = _single(part)
        if found:
            return found
    return None
