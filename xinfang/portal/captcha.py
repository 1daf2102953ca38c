"""An offline captcha for the public forms: five characters drawn as distorted strokes in an SVG.

No external service and no stored answer. A challenge is a random id kept in the visitor's
session with its purpose and expiry; its answer is an HMAC of the id under the server's key
(crypto.keyed_digest), so neither the session store, the page nor the id reveals it to anyone
without the key. The image is drawn once, when the challenge is made, and sent inline (a data:
URI, allowed by the pages' CSP): the same answer is never drawn twice for the same visitor to
average out. Each challenge is checked once, right or wrong, and expires.

The characters are strokes of a small built-in font, drawn as paths (never SVG text, which a
script would simply read), each turned, sheared, moved and wobbled, with decoy strokes of the
same pen crossing them, and the drawing order shuffled so the document does not group them.
"""

import base64
import hmac
import math
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from xinfang.core import clock, crypto
from xinfang.core.errors import ErrorCode, XinfangError

SESSION_KEY = "portal_captcha"
PURPOSES = ("submit", "lookup")
LENGTH = 5
MAX_OUTSTANDING = 6  # a few tabs at once; older challenges are dropped
# No characters that read alike (0/O/D is kept apart by dropping 0 and O; 1/I/L, 2/Z, 6/G, 8/B).
ALPHABET = "ACDEFHJKMNPRTUVWXY345789"

Stroke = list[tuple[float, float]]

# Strokes on a 4 × 6 grid (y downwards).
GLYPHS: dict[str, list[Stroke]] = {
    "A": [[(0, 6), (2, 0), (4, 6)], [(1, 3.6), (3, 3.6)]],
    "C": [[(4, 1), (3, 0), (1, 0), (0, 1.5), (0, 4.5), (1, 6), (3, 6), (4, 5)]],
    "D": [[(0, 0), (0, 6), (2.5, 6), (4, 4.5), (4, 1.5), (2.5, 0), (0, 0)]],
    "E": [[(4, 0), (0, 0), (0, 6), (4, 6)], [(0, 3), (3, 3)]],
    "F": [[(4, 0), (0, 0), (0, 6)], [(0, 3), (3, 3)]],
    "H": [[(0, 0), (0, 6)], [(4, 0), (4, 6)], [(0, 3), (4, 3)]],
    "J": [[(1, 0), (4, 0)], [(3, 0), (3, 5), (2, 6), (1, 6), (0, 5)]],
    "K": [[(0, 0), (0, 6)], [(4, 0), (0, 3.6)], [(1.3, 2.6), (4, 6)]],
    "M": [[(0, 6), (0, 0), (2, 3.5), (4, 0), (4, 6)]],
    "N": [[(0, 6), (0, 0), (4, 6), (4, 0)]],
    "P": [[(0, 6), (0, 0), (3, 0), (4, 1), (4, 2), (3, 3), (0, 3)]],
    "R": [[(0, 6), (0, 0), (3, 0), (4, 1), (4, 2), (3, 3), (0, 3)], [(2, 3), (4, 6)]],
    "T": [[(0, 0), (4, 0)], [(2, 0), (2, 6)]],
    "U": [[(0, 0), (0, 5), (1, 6), (3, 6), (4, 5), (4, 0)]],
    "V": [[(0, 0), (2, 6), (4, 0)]],
    "W": [[(0, 0), (1, 6), (2, 2.5), (3, 6), (4, 0)]],
    "X": [[(0, 0), (4, 6)], [(4, 0), (0, 6)]],
    "Y": [[(0, 0), (2, 3), (4, 0)], [(2, 3), (2, 6)]],
    "3": [
        [(0, 0.6), (1, 0), (3, 0), (4, 1), (4, 2), (3, 3), (1.5, 3)],
        [(3, 3), (4, 4), (4, 5), (3, 6), (1, 6), (0, 5.4)],
    ],
    "4": [[(3, 6), (3, 0), (0, 4), (4, 4)]],
    "5": [[(4, 0), (0.5, 0), (0, 3), (3, 2.7), (4, 3.7), (4, 5), (3, 6), (1, 6), (0, 5.3)]],
    "7": [[(0, 0), (4, 0), (1.5, 6)]],
    "8": [
        [
            (2, 3), (0.7, 2.3), (0.7, 0.8), (2, 0), (3.3, 0.8), (3.3, 2.3), (2, 3),
            (0.4, 3.9), (0.4, 5.2), (2, 6), (3.6, 5.2), (3.6, 3.9), (2, 3),
        ]
    ],
    "9": [
        [
            (4, 2.5), (3, 3.3), (1, 3.3), (0, 2.3), (0, 1), (1, 0), (3, 0), (4, 1),
            (4, 4.5), (3, 6), (1, 6), (0, 5.2),
        ]
    ],
}  # fmt: skip

WIDTH, HEIGHT = 190, 64


@dataclass(frozen=True)
class Challenge:
    id: str
    image: str  # a data: URI of the SVG

    @property
    def alt(self) -> str:
        return f"验证码图片：{LENGTH}个字母或数字，不区分大小写"


def expected_answer(challenge_id: str) -> str:
    """The answer of a challenge: derived from its id under the server's key, never stored."""
    number = int(crypto.keyed_digest(challenge_id, purpose="portal-captcha"), 16)
    characters = []
    for _ in range(LENGTH):
        number, index = divmod(number, len(ALPHABET))
        characters.append(ALPHABET[index])
    return "".join(characters)


def normalise(answer: str) -> str:
    return "".join(answer.split()).upper()


def new_challenge(session: Any, purpose: str) -> Challenge:
    """A new challenge for `purpose`, remembered in the session; its image drawn now."""
    assert purpose in PURPOSES
    challenge_id = secrets.token_urlsafe(16)
    outstanding = _live(session)
    outstanding[challenge_id] = [purpose, clock.now().timestamp() + settings.PORTAL_CAPTCHA_SECONDS]
    while len(outstanding) > MAX_OUTSTANDING:
        outstanding.pop(next(iter(outstanding)))
    session[SESSION_KEY] = outstanding
    svg = render_svg(expected_answer(challenge_id), random.Random(secrets.randbits(64)))
    return Challenge(challenge_id, "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode())


def check_answer(session: Any, purpose: str, challenge_id: str, answer: str) -> None:
    """Raise PORTAL_CAPTCHA_INVALID unless `answer` solves this session's live challenge; the
    challenge is used up either way."""
    outstanding = _live(session)
    entry = outstanding.pop(challenge_id, None) if challenge_id else None
    session[SESSION_KEY] = outstanding
    valid = entry is not None and entry[0] == purpose
    expected = expected_answer(challenge_id) if valid else "-" * LENGTH
    if not hmac.compare_digest(expected.encode(), normalise(answer).encode()) or not valid:
        raise XinfangError(ErrorCode.PORTAL_CAPTCHA_INVALID, field="captcha_answer")


def outstanding_ids(session: Any, purpose: str) -> list[str]:
    """This session's live challenges for `purpose`, oldest first (tests and the benchmark read
    them to answer with `expected_answer`, as a person reads the image)."""
    return [cid for cid, (kind, _) in _live(session).items() if kind == purpose]


def _live(session: Any) -> dict[str, list[Any]]:
    now = clock.now().timestamp()
    stored = session.get(SESSION_KEY) or {}
    return {cid: entry for cid, entry in stored.items() if entry[1] > now}


# -- drawing ------------------------------------------------------------------------------------


def _colour(rng: random.Random, low: int, high: int) -> str:
    return "#" + "".join(f"{rng.randint(low, high):02x}" for _ in range(3))


def _path(points: list[tuple[float, float]]) -> str:
    head, *rest = points
    return f"M{head[0]:.1f} {head[1]:.1f}" + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)


def render_svg(text: str, rng: random.Random) -> str:
    """Draw `text` with the stroke font, distorted; returns the SVG document."""
    wave_amplitude = rng.uniform(1.5, 3.5)
    wave_length = rng.uniform(18, 34)
    wave_phase = rng.uniform(0, math.tau)

    def wobble(x: float, y: float) -> tuple[float, float]:
        return x, y + wave_amplitude * math.sin(x / wave_length + wave_phase)

    elements: list[str] = []
    cell = (WIDTH - 20) / len(text)
    for index, character in enumerate(text):
        scale = rng.uniform(5.2, 6.6)
        angle = rng.uniform(-0.38, 0.38)
        shear = rng.uniform(-0.25, 0.25)
        centre_x = 10 + cell * (index + 0.5) + rng.uniform(-3, 3)
        centre_y = HEIGHT / 2 + rng.uniform(-5, 5)
        cos, sin = math.cos(angle), math.sin(angle)
        colour = _colour(rng, 0x10, 0x70)
        width = rng.uniform(2.2, 3.3)
        for stroke in GLYPHS[character]:
            points = []
            for gx, gy in stroke:
                x = (gx - 2 + rng.uniform(-0.18, 0.18)) * scale
                y = (gy - 3 + rng.uniform(-0.18, 0.18)) * scale
                x += shear * y
                points.append(wobble(centre_x + x * cos - y * sin, centre_y + x * sin + y * cos))
            elements.append(_stroke(_path(points), colour, width))
    for _ in range(3):  # decoy strokes in the same pen, across the characters
        start = (rng.uniform(0, 30), rng.uniform(8, HEIGHT - 8))
        end = (rng.uniform(WIDTH - 30, WIDTH), rng.uniform(8, HEIGHT - 8))
        c1 = (rng.uniform(30, WIDTH / 2), rng.uniform(0, HEIGHT))
        c2 = (rng.uniform(WIDTH / 2, WIDTH - 30), rng.uniform(0, HEIGHT))
        curve = (
            f"M{start[0]:.1f} {start[1]:.1f}C{c1[0]:.1f} {c1[1]:.1f} "
            f"{c2[0]:.1f} {c2[1]:.1f} {end[0]:.1f} {end[1]:.1f}"
        )
        elements.append(_stroke(curve, _colour(rng, 0x10, 0x80), rng.uniform(1.4, 2.4)))
    for _ in range(4):  # short strokes shaped like parts of characters
        x, y = rng.uniform(5, WIDTH - 20), rng.uniform(8, HEIGHT - 8)
        points = [(x, y)]
        for _ in range(rng.randint(1, 3)):
            x, y = x + rng.uniform(-12, 12), y + rng.uniform(-12, 12)
            points.append((x, y))
        elements.append(_stroke(_path(points), _colour(rng, 0x20, 0x90), rng.uniform(1.2, 2.2)))
    for _ in range(45):
        elements.append(
            f'<circle cx="{rng.uniform(0, WIDTH):.1f}" cy="{rng.uniform(0, HEIGHT):.1f}" '
            f'r="{rng.uniform(0.6, 1.8):.1f}" fill="{_colour(rng, 0x40, 0xC0)}"/>'
        )
    rng.shuffle(elements)
    background = _colour(rng, 0xE8, 0xFF)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}"><rect width="100%" height="100%" fill="{background}"/>'
        + "".join(elements)
        + "</svg>"
    )


def _stroke(d: str, colour: str, width: float) -> str:
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )
