"""English postal addresses: US-style street addresses (350 Fifth Avenue, New York, NY
10118) and military addresses (PSC 1234, Box 5678, APO AE 09876)."""

import re

from .finding import RawFinding


def _words(text: str) -> list[str]:
    return text.split()


# The street suffixes of USPS Publication 28, appendix C1, and their usual abbreviations.
_SUFFIXES = _words(
    "Alley Annex Arcade Avenue Bayou Beach Bend Bluff Bluffs Bottom Boulevard Branch Bridge "
    "Brook Brooks Burg Burgs Bypass Camp Canyon Cape Causeway Center Centers Circle Circles "
    "Cliff Cliffs Club Common Commons Corner Corners Course Court Courts Cove Coves Creek "
    "Crescent Crest Crossing Crossroad Curve Dale Dam Divide Drive Drives Estate Estates "
    "Expressway Extension Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords "
    "Forest Forge Forges Fork Forks Fort Freeway Garden Gardens Gateway Glen Glens Green "
    "Greens Grove Groves Harbor Harbors Haven Heights Highway Hill Hills Hollow Inlet Island "
    "Islands Isle Junction Junctions Key Keys Knoll Knolls Lake Lakes Land Landing Lane "
    "Light Lights Loaf Lock Locks Lodge Loop Mall Manor Manors Meadow Meadows Mews Mill "
    "Mills Mission Motorway Mount Mountain Mountains Neck Orchard Oval Overpass Park Parks "
    "Parkway Parkways Pass Passage Path Pike Pine Pines Place Plain Plains Plaza Point "
    "Points Port Ports Prairie Radial Ramp Ranch Rapid Rapids Rest Ridge Ridges River Road "
    "Roads Route Row Rue Run Shoal Shoals Shore Shores Skyway Spring Springs Spur Spurs "
    "Square Squares Station Stravenue Stream Street Streets Summit Terrace Throughway Trace "
    "Track Trafficway Trail Trailer Tunnel Turnpike Underpass Union Unions Valley Valleys "
    "Via Viaduct View Views Village Villages Ville Vista Walk Walks Wall Way Ways Well Wells "
    "St Ave Rd Blvd Dr Ln Ct Pl Sq Hwy Pkwy Ter Cir Trl"
)
_STATES = _words(
    "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP"
)
_WORD = r"(?:[A-Z][a-z]+|[0-9]{1,3}(?:st|nd|rd|th))"
_STREET = re.compile(
    r"[0-9]{1,6}[A-Z]? (?:[NSEW]\.? )?"
    rf"{_WORD}(?: {_WORD}){{0,3}}? (?:{'|'.join(sorted(_SUFFIXES, key=len, reverse=True))})"
    r"(?![A-Za-z])(?:\.(?=,))?"
    r"(?: (?:NW|NE|SW|SE|N|S|E|W)(?![A-Za-z]))?"
    r"(?:,? (?:Apt\.|Apt|Suite|Ste\.|Unit|#) ?[0-9A-Z]{1,6})?"
    rf"(?:,? (?P<city>[A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}),? (?P<state>{'|'.join(_STATES)})"
    r" [0-9]{5}(?:-[0-9]{4})?(?![0-9]))?"
)
_MILITARY = re.compile(
    r"(?:PSC|CMR|Unit) [0-9]{3,5},? Box [0-9]{3,5}(?:,? [AFD]PO A[AEP] [0-9]{5}(?![0-9]))?"
    r"|(?:USNS|USS|USCGC) [A-Z][a-z]+(?: [A-Z][a-z]+)?,? FPO A[AEP] [0-9]{5}(?![0-9])"
)


def scan_street(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    m = _STREET.match(text, start)
    if m is None:
        return
    out.append((start, m.end(), "ADDRESS", m.group(), 0.8, "house number, street and suffix"))


def scan_military(text: str, start: int, end: int, out: list[RawFinding]) -> None:
    m = _MILITARY.match(text, start)
    if m is None:
        return
    out.append((start, m.end(), "ADDRESS", m.group(), 0.85, "US military address"))
