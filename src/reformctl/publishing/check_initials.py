"""Another engagement's initials in this engagement's public text: a page copied from another
site's page keeps calling the agency 'DHPD'.

For each other engagement, the initialisms a writer would use are derived from its agency's
words (with and without the agency-type suffix: 'Police Department'/'PD', "Sheriff's Office"/'SO'),
plus the aliases recorded for it. Initialisms match as capitals, whole words, dots allowed
('D.H.P.D.'); an alias that is not an initialism matches as a name does (model/matching.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reformctl.model.matching import find_spans, fold, name_key, term_regex
from reformctl.model.vocab import STATES

# Agency-type endings and the letters writers abbreviate them to.
SUFFIXES = (
    ("police department", "PD"),
    ("sheriff's office", "SO"),
    ("sheriffs office", "SO"),
    ("sheriff's department", "SD"),
    ("sheriff's dept", "SD"),
    ("police dept", "PD"),
    ("department of public safety", "DPS"),
    ("police bureau", "PB"),
    ("police service", "PS"),
)
SMALL_WORDS = frozenset(["of", "the", "and", "&", "for"])
PLACE_WORDS = frozenset(["city", "county", "town", "township", "village", "borough", "parish"])
# Initialisms everyone shares: federal bodies and programs, common police units and systems, and
# the states' postal codes (a 'North Miami' without 'PD' is 'NM', New Mexico's code). Never flagged.
COMMON = (
    frozenset(
        """DOJ COPS CRI TAC OA TA FBI ATF DEA DHS ICE CBP BJA BJS NIJ OJP OJJDP OVW CRS USAO US USA
    IACP PERF NOBLE FOP POST CALEA CIT CAD RMS BWC EAP FTO SWAT SRO HR IT GIS NIBRS UCR ECW LEO LE PD SO SD DPS
    FY QA PIO MOU ADA EEO EEOC DOT EMS EMT FAQ PDF URL ID AM PM""".split()
    )
    | STATES
)
INITIALISM = re.compile(r"[A-Z](?:\.?[A-Z])+\.?\Z")


@dataclass(frozen=True)
class ForeignTerm:
    site: str  # the engagement it belongs to
    term: str  # as derived or recorded
    how: str  # 'the initials of AGENCY' or 'an alias of AGENCY'
    pattern: re.Pattern
    folded: (
        bool  # matched over normalised text (an alias that is a name) or over the text as written
    )


def initialisms(agency: str) -> set[str]:
    """'North Miami Police Department' -> {'NMPD', 'NM'}; "Orange County Sheriff's Office" ->
    {'OCSO', 'OC', 'OSO'}: the first letters of the agency's words, with and without its
    type, with and without 'of'/'the' and place words ('City', 'County')."""
    name = re.sub(r"\([^)]*\)", " ", agency or "")  # '(fictional demo)' is no part of the name
    name = re.sub(r"[\u2019`]", "'", name)
    words = re.findall(r"[A-Za-z][A-Za-z']*", name)
    lowered = " ".join(w.lower() for w in words)
    forms: set[str] = set()
    for phrase, letters in SUFFIXES:
        if lowered.endswith(" " + phrase):
            base = words[: len(words) - len(phrase.split())]
            for kept in _variants(base):
                forms.add(kept)
                forms.add(kept + letters)
            break
    else:
        forms.update(_variants(words))
    return {f for f in forms if len(f) >= 2}


def _variants(words: list[str]) -> set[str]:
    """Initials of WORDS, and of WORDS without small words and without place words."""
    plain = [w for w in words if w.lower() not in SMALL_WORDS]
    no_place = [w for w in plain if w.lower() not in PLACE_WORDS]
    return {"".join(w[0].upper() for w in ws) for ws in (words, plain, no_place) if ws}


def _initialism_pattern(term: str) -> re.Pattern:
    letters = [c for c in term.upper() if c.isalpha()]
    body = r"\.?".join(re.escape(c) for c in letters)
    return re.compile(rf"(?<![\w.]){body}\.?(?!\.?\w)")


def _is_initialism(term: str) -> bool:
    return bool(INITIALISM.match(term.replace(" ", "")))


def own_terms(agency: str, city: str | None, aliases: list[str], allowed: list[str]) -> set[str]:
    """What this engagement may say of itself: its own initialisms, aliases and allowed terms, as
    keys (capitals without dots) comparable with another engagement's terms."""
    own = initialisms(agency) | initialisms(city or "")
    return {_key(t) for t in (*own, *aliases, *allowed)}


def _key(term: str) -> str:
    return name_key(term).replace(".", "").upper()


def foreign_terms(
    others: list[dict], aliases: dict[str, list[str]], own: set[str]
) -> list[ForeignTerm]:
    """Every other engagement's initialisms and aliases, except those this engagement shares
    (OWN) and the common ones."""
    terms: list[ForeignTerm] = []
    seen: set[str] = set(own) | {_key(c) for c in COMMON}
    for other in others:
        derived = sorted(initialisms(other["agency"]), key=lambda t: (-len(t), t))
        candidates = [(t, f"the initials of {other['agency']}") for t in derived]
        candidates += [(a, f"an alias of {other['agency']}") for a in aliases.get(other["id"], [])]
        for term, how in candidates:
            key = _key(term)
            if key in seen:
                continue
            seen.add(key)
            if _is_initialism(term):
                terms.append(
                    ForeignTerm(other["site"], term, how, _initialism_pattern(term), False)
                )
            else:
                pattern = term_regex([term], whole_words=True)
                if pattern is not None:
                    terms.append(ForeignTerm(other["site"], term, how, pattern, True))
    return terms


def initials_problems(
    text: str, terms: list[ForeignTerm]
) -> list[tuple[ForeignTerm, tuple[int, int]]]:
    """Where TEXT uses another engagement's initials or alias: (term, first span as written)."""
    found = []
    folded = None
    for term in terms:
        if term.folded:
            folded = folded or fold(text)
            spans = find_spans(folded, term.pattern)
        else:
            spans = [m.span() for m in term.pattern.finditer(text)]
        if spans:
            found.append((term, spans[0]))
    return found
