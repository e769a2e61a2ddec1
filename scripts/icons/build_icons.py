"""Build the pictogram SVGs (handouts/icons/NAME.svg) and handouts/icons/icons.yaml from the drawings below.

The SVG files are the product; this script is their source. Edit a drawing here, run

    python3 build_icons.py

and check the result with check_icons.py and contact_sheet.py.

House style (see ../README.md): viewBox 0 0 48 48, black line drawings, stroke 3, round caps
and joins, #000/#fff only, no text. Shared parts (faucet, profile head, prohibition mark,
warning triangle...) are functions so that every icon that uses them draws them identically.
"""

from __future__ import annotations

import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent.parent / "handouts" / "icons"  # the package data the engine draws

LICENCE = "Drawn for the handouts project; MIT licence, like the project."


def n(x: float) -> str:
    """A coordinate, short: 2 decimals at most, no trailing zeros."""
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def pts(points) -> str:
    return " ".join(f"{n(x)},{n(y)}" for x, y in points)


BLACK = 'fill="#000" stroke="none"'  # solid shape, no outline
INK = 'fill="#000"'  # solid shape that keeps the inherited black outline (rounded corners)


# --------------------------------------------------------------------------- shared parts

R_NO = 21.0  # prohibition circle radius
_D = R_NO / math.sqrt(2)
_A, _B = 24 - _D, 24 + _D


def prohibition() -> str:
    """The one prohibition mark: circle r=21 round the centre + bar top-left to bottom-right.

    A white under-stroke (butt caps, hidden under the ring at both ends) breaks the object's
    lines on either side of the bar; the renderer swaps #fff for #000 on inverted use, so the
    gap then matches the black background.
    """
    line = f'x1="{n(_A)}" y1="{n(_A)}" x2="{n(_B)}" y2="{n(_B)}"'
    return (
        f'<line {line} stroke="#fff" stroke-width="7" stroke-linecap="butt"/>'
        f'<circle cx="24" cy="24" r="{n(R_NO)}"/>'
        f"<line {line}/>"
    )


def rounded_polygon(points, r: float) -> str:
    """Closed path through ``points`` with every corner rounded by an arc of radius r."""
    out = []
    k = len(points)
    for i in range(k):
        p0, p1, p2 = points[i - 1], points[i], points[(i + 1) % k]
        v1 = (p0[0] - p1[0], p0[1] - p1[1])
        v2 = (p2[0] - p1[0], p2[1] - p1[1])
        l1, l2 = math.hypot(*v1), math.hypot(*v2)
        u1 = (v1[0] / l1, v1[1] / l1)
        u2 = (v2[0] / l2, v2[1] / l2)
        ang = math.acos(max(-1.0, min(1.0, u1[0] * u2[0] + u1[1] * u2[1])))
        t = r / math.tan(ang / 2)
        a = (p1[0] + u1[0] * t, p1[1] + u1[1] * t)
        b = (p1[0] + u2[0] * t, p1[1] + u2[1] * t)
        cross = (p1[0] - p0[0]) * (p2[1] - p1[1]) - (p1[1] - p0[1]) * (p2[0] - p1[0])
        sweep = 1 if cross > 0 else 0
        out.append(f"{'M' if i == 0 else 'L'}{n(a[0])} {n(a[1])}")
        out.append(f"A{n(r)} {n(r)} 0 0 {sweep} {n(b[0])} {n(b[1])}")
    return "".join(out) + "Z"


def capsule_path(x: float, y0: float, y1: float, w: float) -> str:
    """Vertical capsule (rounded bar) from y0 to y1, centred on x, as a closed subpath."""
    r = w / 2
    return (
        f"M{n(x - r)} {n(y0 + r)}A{n(r)} {n(r)} 0 0 1 {n(x + r)} {n(y0 + r)}"
        f"V{n(y1 - r)}A{n(r)} {n(r)} 0 0 1 {n(x - r)} {n(y1 - r)}Z"
    )


def circle_path(cx: float, cy: float, r: float) -> str:
    return (
        f"M{n(cx - r)} {n(cy)}A{n(r)} {n(r)} 0 1 0 {n(cx + r)} {n(cy)}"
        f"A{n(r)} {n(r)} 0 1 0 {n(cx - r)} {n(cy)}Z"
    )


def warning_triangle(cx: float, top: float, bottom: float, corner: float, bar_w: float) -> str:
    """A filled rounded triangle with the exclamation mark cut out (a real hole, evenodd).

    Because the mark is a hole, it shows whatever is behind: paper, a tinted box, or black
    when the icon is drawn white-on-black.
    """
    h = bottom - top
    half = h / math.sqrt(3)  # equilateral
    tri = rounded_polygon([(cx, top), (cx + half, bottom), (cx - half, bottom)], corner)
    bar_top = top + h * 0.33
    bar_bot = top + h * 0.67
    dot_cy = top + h * 0.81
    dot_r = bar_w * 0.56
    mark = capsule_path(cx, bar_top, bar_bot, bar_w) + circle_path(cx, dot_cy, dot_r)
    return f'<path {BLACK} fill-rule="evenodd" d="{tri}{mark}"/>'


def star(cx, cy, r_out, r_in, k, rot=0.0):
    p = []
    for i in range(2 * k):
        r = r_out if i % 2 == 0 else r_in
        a = math.radians(rot - 90 + i * 180 / k)
        p.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return p


def pain_mark(cx: float, cy: float, r: float = 6.5) -> str:
    """The filled 'burst' used for pain (chest, belly)."""
    return f'<polygon {INK} stroke-width="1.5" points="{pts(star(cx, cy, r, r * 0.45, 7, 10))}"/>'


def drop_path(cx: float, tip: float, bottom: float) -> str:
    """A water drop: pointed top at (cx, tip), round bottom touching y=bottom."""
    h = bottom - tip
    r = h * 0.38
    cy = bottom - r
    d = cy - tip
    s = r / d  # sin of half the tip angle
    ang = math.asin(s)
    tx = r * math.cos(ang)
    ty = r * math.sin(ang)
    return (
        f"M{n(cx)} {n(tip)}L{n(cx - tx)} {n(cy - ty)}"
        f"A{n(r)} {n(r)} 0 1 0 {n(cx + tx)} {n(cy - ty)}Z"
    )


def flame_path(cx: float, tip: float, bottom: float) -> str:
    """A small flame: round bottom, main tip leaning right, a small second tip on the left."""
    h = bottom - tip
    k = h / 9.0
    def P(dx, dy):
        return f"{n(cx + dx * k)} {n(bottom - dy * k)}"
    return (
        f"M{P(0, 0)}C{P(-4, 0)} {P(-4.5, 4)} {P(-2, 7)}C{P(-1.5, 5.5)} {P(-0.5, 5)} {P(0, 5)}"
        f"C{P(0, 7)} {P(1, 8)} {P(2.5, 9)}C{P(3, 7)} {P(4.5, 5)} {P(4, 3)}C{P(3.5, 1)} {P(2, 0)} {P(0, 0)}Z"
    )


def faucet() -> str:
    """Tap coming out of the left wall, spout opening centred on x=23, bottom at y=17."""
    return (
        '<path d="M4 7H18Q26 7 26 15V17H20V15Q20 13 18 13H4"/>'
        '<path d="M11 7V3.5M7.5 3.5H14.5"/>'
    )


def water_stream(y0: float, y1: float) -> str:
    return f'<path d="M20 {n(y0)}L19 {n(y1 - 0.5)}M23 {n(y0)}V{n(y1)}M26 {n(y0)}L27 {n(y1 - 0.5)}"/>'


def profile_head() -> str:
    """Head and neck in profile, facing right (used by confusion, vomiting, cough and headache)."""
    return (
        '<path d="M13 45V34Q6 29 6 19Q6 5 20.5 5Q32 5 34.5 15L38.5 22.5Q39.3 24.5 37 24.5H35.5'
        'V29Q35.5 32 32 32H27V45"/>'
    )


def spiral(cx: float, cy: float, g: float, turns: int) -> str:
    """Spiral of half-circle arcs, radial gap g per turn, starting at its centre."""
    x = cx
    d = f"M{n(x)} {n(cy)}"
    for i in range(1, turns + 1):
        diam = i * g
        sign = 1 if i % 2 else -1
        x2 = x + sign * diam
        d += f"A{n(diam / 2)} {n(diam / 2)} 0 0 1 {n(x2)} {n(cy)}"
        x = x2
    return f'<path d="{d}"/>'


def syringe(s: float, ticks: int) -> str:
    """Syringe along the anti-diagonal, needle bottom-left, scaled by s about the centre
    (coordinates only: the stroke stays 3)."""
    def X(v):
        return n(24 + (v - 24) * s)

    parts = [
        f'<path d="M{X(4)} 24H{X(12)}"/>',  # needle
        f'<rect x="{X(12)}" y="{X(19)}" width="{n(20 * s)}" height="{n(10 * s)}" rx="1.5"/>',
        f'<path d="M{X(32)} {X(15)}V{X(33)}M{X(32)} 24H{X(40.5)}M{X(40.5)} {X(18.5)}V{X(29.5)}"/>',
    ]
    step = 20 / (ticks + 1)
    tk = "".join(f"M{X(12 + step * (i + 1))} {X(19)}V{X(23)}" for i in range(ticks))
    parts.append(f'<path d="{tk}"/>')
    return f'<g transform="rotate(-45 24 24)">{"".join(parts)}</g>'


def person(cx: float, head_cy: float, head_r: float, body_w: float, top: float, bottom: float) -> str:
    """Head and shoulders (bust)."""
    half = body_w / 2
    r = min(half, 8)
    return (
        f'<circle cx="{n(cx)}" cy="{n(head_cy)}" r="{n(head_r)}"/>'
        f'<path d="M{n(cx - half)} {n(bottom)}V{n(top + r)}Q{n(cx - half)} {n(top)} {n(cx - half + r)} {n(top)}'
        f'H{n(cx + half - r)}Q{n(cx + half)} {n(top)} {n(cx + half)} {n(top + r)}V{n(bottom)}"/>'
    )


def crescent(cx, cy, r1, dx, dy, r2) -> str:
    """Filled crescent: disc (cx,cy,r1) minus disc (cx+dx, cy+dy, r2)."""
    x2, y2 = cx + dx, cy + dy
    d = math.hypot(dx, dy)
    a = (r1 * r1 - r2 * r2 + d * d) / (2 * d)
    h = math.sqrt(r1 * r1 - a * a)
    mx, my = cx + a * dx / d, cy + a * dy / d
    p = (mx + h * dy / d, my - h * dx / d)
    q = (mx - h * dy / d, my + h * dx / d)
    return (
        f'<path {BLACK} d="M{n(p[0])} {n(p[1])}A{n(r1)} {n(r1)} 0 1 0 {n(q[0])} {n(q[1])}'
        f'A{n(r2)} {n(r2)} 0 0 1 {n(p[0])} {n(p[1])}Z"/>'
    )


def bone_path(x0: float, x1: float, cy: float, half: float, knob: float, sep: float) -> str:
    """A bone lying along y=cy from x0 to x1 (knob tips), shaft half-width ``half``, two knobs of
    radius ``knob`` at each end whose centres are ``sep`` apart."""
    cx_l, cx_r = x0 + knob, x1 - knob
    ya = cy - sep / 2
    dx = math.sqrt(knob * knob - (cy - half - ya) ** 2)  # where the shaft meets a knob
    nx = math.sqrt(knob * knob - (sep / 2) ** 2)  # the notch between two knobs
    k = n(knob)
    return (
        f"M{n(cx_l + dx)} {n(cy - half)}H{n(cx_r - dx)}"
        f"A{k} {k} 0 1 1 {n(cx_r + nx)} {n(cy)}A{k} {k} 0 1 1 {n(cx_r - dx)} {n(cy + half)}"
        f"H{n(cx_l + dx)}"
        f"A{k} {k} 0 1 1 {n(cx_l - nx)} {n(cy)}A{k} {k} 0 1 1 {n(cx_l + dx)} {n(cy - half)}Z"
    )


# --------------------------------------------------------------------------- the icons

ICONS: dict[str, tuple[str, bool, str]] = {}


def icon(name: str, directional: bool, description: str):
    def deco(fn):
        ICONS[name] = (description, directional, fn())
        return fn

    return deco


@icon("wash-hands", False, "A tap running water onto a hand (wash your hands).")
def _():
    return faucet() + water_stream(21, 24) + (
        '<path d="M20 46V41L13.5 34.5Q12 32.5 14 31.3Q15.7 30.6 17.2 32.2L18 33V30Q18 27 21 27H29Q32 27 32 30V40Q32 42.5 31 44V46"/>'
        '<path d="M22.7 27V32.5M27.3 27V32.5"/>'
    )


@icon("mask", False, "A pleated face mask with ear loops.")
def _():
    return (
        '<path d="M12 15Q24 11 36 15V31Q24 39 12 31Z"/>'
        '<path d="M16.5 21H31.5M16.5 27H31.5"/>'
        '<path d="M12 18.5Q4 17 4 23.5Q4 30 12 28.5M36 18.5Q44 17 44 23.5Q44 30 36 28.5"/>'
    )


@icon("no-swimming", True, "A swimmer in waves, crossed out (no swimming).")
def _():
    return (
        '<circle fill="#000" cx="11.5" cy="27.5" r="2.6"/>'
        '<path d="M19.5 30Q14 15 6.5 21.5"/>'
        '<path d="M9.5 33q3.5 -3 7 0t7 0t7 0t7 0M13.5 39q3.5 -3 7 0t7 0t7 0"/>'
    ) + prohibition()


@icon("boil-water", False, "A pot on a flame with steam rising (boil the water).")
def _():
    steam = "".join(
        f'<path d="M{x} 14Q{x - 3} 11.5 {x} 9Q{x + 3} 6.5 {x} 4"/>' for x in (17, 24, 31)
    )
    flames = "".join(f'<path {BLACK} d="{flame_path(x, 38.5, 45.5)}"/>' for x in (17, 24, 31))
    return steam + (
        '<path d="M9 18H39V31Q39 35 35 35H13Q9 35 9 31Z"/>'
        '<path d="M4 21H9M39 21H44"/>'
    ) + flames


@icon("water-filter", False, "A funnel with filter layers and a clean drop below (filtered water).")
def _():
    return (
        '<path d="M5 5H43L28 22V27H20V22Z"/>'
        '<path d="M12 11H36M17 16.5H31"/>'
        f'<path d="{drop_path(24, 31, 45)}"/>'
    )


@icon("cook", False, "A chicken leg with a meat thermometer in it (cook meat through).")
def _():
    return (
        '<path d="M31 26Q27 21 18 21.5Q6.5 22 6.5 32Q6.5 42.5 17.5 42Q26 41.5 31 32.5Z"/>'
        '<path d="M31 29.25H36.5"/>'
        '<circle cx="39.5" cy="26.5" r="2.3"/><circle cx="39.5" cy="32" r="2.3"/>'
        '<circle cx="19" cy="8.5" r="5.5"/>'
        '<path d="M19 8.5L21.3 6.2M19 14V28"/>'
    )


@icon("fridge", False, "A fridge with a snowflake on its door (keep food cold).")
def _():
    return (
        '<rect x="11" y="3.5" width="26" height="41" rx="3"/>'
        '<path d="M11 16.5H37M16 8V12M16 21V27"/>'
        '<path d="M27 25.5V37.5M21.8 28.5L32.2 34.5M21.8 34.5L32.2 28.5"/>'
    )


@icon("wash-produce", False, "A tap running water onto an apple (wash fruit and vegetables).")
def _():
    return faucet() + water_stream(21, 24) + (
        '<path d="M23 29.5C19 26.5 11 27.5 11 35.5C11 42 16 46 20 45Q23 44.2 26 45C30 46 35 42 35 35.5C35 27.5 27 26.5 23 29.5Z"/>'
        '<path d="M23 29.5Q23 27.5 25 26"/>'
    )


@icon("vaccine", False, "A syringe (vaccination, injection).")
def _():
    return syringe(1.0, 3)


@icon("no-vaccine", False, "A syringe, crossed out (no live vaccines / no injection).")
def _():
    return syringe(0.72, 2) + prohibition()


@icon("no-dust", True, "A digger on a building site, crossed out (avoid building sites and dust).")
def _():
    return (
        '<rect x="8.5" y="31" width="21" height="6.5" rx="3.25"/>'
        '<path d="M11 31V21.5H18.5L22 27V31"/>'
        '<path d="M21 25.5L28.5 14.5L36.5 21"/>'
        f'<path {INK} d="M35 20.5L40 24.5L37.5 29.5L32.5 26.5Z"/>'
    ) + prohibition()


@icon("no-soil", False, "A mound of soil with a garden trowel in it, crossed out (avoid soil, mulch, potting soil).")
def _():
    return (
        '<path d="M9.5 36Q12.5 27 24 27Q35.5 27 38.5 36Z"/>'
        + "".join(f'<circle {BLACK} cx="{x}" cy="{y}" r="1.6"/>' for x, y in ((16.5, 32.5), (23.5, 32.5), (30.5, 32.5)))
        + '<g transform="rotate(35 20 26)">'
        f'<path {INK} stroke-width="1.5" d="M20 26.5L15.5 19.5Q15 16 17.5 16H22.5Q25 16 24.5 19.5Z"/>'
        '<path d="M20 16V13"/>'
        '<rect x="18" y="4" width="4" height="8" rx="2"/>'
        "</g>"
    ) + prohibition()


@icon("no-hay", False, "A bale of hay with straw sticking out at the ends, crossed out (avoid hay, straw, barns).")
def _():
    return (
        '<path d="M12 16.5H36L34.3 19.8L36.5 23.1L34.3 26.4L36.5 29.7L35 33H12L13.7 29.7L11.5 26.4L13.7 23.1L11.5 19.8Z"/>'
        '<path d="M19 16.5V33M29 16.5V33"/>'
    ) + prohibition()


@icon("crowd", False, "A group of people (crowds).")
def _():
    return (
        '<circle cx="10" cy="17" r="4.5"/><circle cx="38" cy="17" r="4.5"/>'
        '<path d="M3 38V31Q3 25.5 9 25.5H13.5M34.5 25.5H39Q45 25.5 45 31V38"/>'
        + person(24, 14, 5.5, 22, 25, 43)
    )


@icon("medicine", False, "A medicine bottle and a capsule (take the medicine).")
def _():
    return (
        '<rect x="4.5" y="5" width="19" height="7" rx="1.5"/>'
        '<path d="M6 12V40Q6 43 9 43H19Q22 43 22 40V12"/>'
        '<path d="M14 22.5V31.5M9.5 27H18.5"/>'
        '<g transform="rotate(-45 35 30)">'
        '<rect x="26" y="26" width="18" height="8" rx="4"/>'
        f'<path {BLACK} d="M35 26H30A4 4 0 0 0 30 34H35Z"/>'
        "</g>"
    )


@icon("calendar", False, "A calendar page with day squares (dates, appointments).")
def _():
    days = "".join(
        f'<rect {BLACK} x="{x}" y="{y}" width="5" height="5" rx="1"/>' for y in (23, 32) for x in (10.5, 21.5, 32.5)
    )
    return (
        '<rect x="5" y="9" width="38" height="34" rx="3"/>'
        '<path d="M5 18H43M15 5V12M33 5V12"/>' + days
    )


@icon("phone", False, "A telephone handset (call).")
def _():
    return (
        '<g transform="rotate(-135 24 24)">'
        '<path d="M6 30V25Q6 16 24 16Q42 16 42 25V30Q42 32 40 32H34Q32 32 32 30V27Q32 24 24 24Q16 24 16 27V30Q16 32 14 32H8Q6 32 6 30Z"/>'
        "</g>"
    )


@icon("hospital", False, "A hospital building with a cross on it.")
def _():
    wins = "".join(f'<rect {BLACK} x="{x}" y="{y}" width="4" height="4" rx="0.5"/>' for x in (8, 36) for y in (25, 33))
    return (
        '<path d="M3 44H45M15 44V6H33V44M5 44V20H15M33 20H43V44"/>'
        '<path d="M24 11V21M19 16H29"/>'
        '<path d="M20.5 44V35H27.5V44"/>' + wins
    )


@icon("thermometer", False, "A thermometer reading high (fever).")
def _():
    return (
        '<path d="M19.5 30V9A4.5 4.5 0 0 1 28.5 9V30A7.5 7.5 0 1 1 19.5 30Z"/>'
        '<circle fill="#000" cx="24" cy="36" r="3"/>'
        '<path d="M24 36V14"/>'
        '<path d="M33 9H37M33 15H37M33 21H37"/>'
    )


@icon("breathing", False, "A pair of lungs with the windpipe (breathing).")
def _():
    lung = '<path d="M18.5 11Q11 12 7.5 22Q4.5 31 5 38Q5.5 43 11 42.5Q16 42 19.5 39Q20.5 38 20.5 36V13Q20.5 11 18.5 11Z"/>'
    return (
        lung
        + f'<g transform="translate(48 0) scale(-1 1)">{lung}</g>'
        + '<path d="M24 3.5V19Q24 23 15.5 26M24 19Q24 23 32.5 26"/>'
    )


@icon("chest-pain", False, "A person's upper body with a pain burst on the chest.")
def _():
    return person(24, 9, 5.5, 32, 19, 44) + pain_mark(29.5, 29)


@icon("confusion", True, "A head in profile with a spiral inside (confusion, dizziness).")
def _():
    return profile_head() + spiral(18, 19, 5, 3)


@icon("diarrhea", False, "A toilet (diarrhoea).")
def _():
    return (
        '<rect x="6" y="5" width="12" height="17" rx="2"/>'
        '<path d="M5 25.5H43Q43 35 31 37L32 44H16L17 36.5Q7 34 7 25.5"/>'
    )


@icon("blue-lips", False, "A face with its closed lips filled in dark (blue or grey lips).")
def _():
    return (
        '<circle cx="24" cy="24" r="19.5"/>'
        '<path d="M16.5 16.5V18.5M31.5 16.5V18.5"/>'
        f'<path {INK} stroke-width="1.5" d="M14.5 30Q18.5 26.5 21.8 27.3Q24 28.3 26.2 27.3Q29.5 26.5 33.5 30Q29.5 34.5 24 34.5Q18.5 34.5 14.5 30Z"/>'
    )


@icon("bandage", False, "An adhesive bandage (cover cuts and scrapes).")
def _():
    dots = "".join(f'<circle {BLACK} cx="{x}" cy="{y}" r="1.3"/>' for x in (21, 27) for y in (21, 27))
    return (
        '<g transform="rotate(-45 24 24)">'
        '<rect x="3" y="16" width="42" height="16" rx="8"/>'
        '<path d="M16 16V32M32 16V32"/>' + dots + "</g>"
    )


@icon("clean-clothes", False, "A clean T-shirt with a sparkle (clean clothes).")
def _():
    return (
        '<path d="M18 6L5.5 12L9.5 21.5L14 19.5V42H34V19.5L38.5 21.5L42.5 12L30 6Q24 12 18 6Z"/>'
        f'<polygon {BLACK} points="{pts(star(27.5, 31, 6, 1.6, 4))}"/>'
    )


@icon("no-sharing", False, "One glass with two straws, crossed out (do not share cups or drinks).")
def _():
    return (
        '<path d="M15 20H33L30.5 37H17.5Z"/>'
        '<path d="M16.5 26H31.5"/>'
        '<path d="M21 29L18 9.5M27 29L30 9.5"/>'
    ) + prohibition()


@icon("wallet-card", False, "A wallet card with a warning triangle (show your medical alert card).")
def _():
    return (
        '<rect x="3.5" y="9.5" width="41" height="29" rx="3.5"/>'
        + warning_triangle(17, 14.5, 33, 2.2, 3.6)
        + '<path d="M31 19H38.5M31 25H38.5M31 31H36"/>'
    )


@icon("vomiting", True, "A head in profile being sick (vomiting).")
def _():
    return profile_head() + (
        f'<path {INK} stroke-width="1.5" d="M37 25.5Q43.5 25 45 31L45.5 37Q42 31 37 29.5Z"/>'
        + "".join(f'<circle {BLACK} cx="{x}" cy="{y}" r="1.9"/>' for x, y in ((39.5, 36.5), (44.5, 42.5), (38.5, 43)))
    )


@icon("swollen-gland", False, "A head and neck seen from the front with a lump on the neck (swollen gland).")
def _():
    return (
        '<ellipse cx="23" cy="15.5" rx="10.5" ry="12"/>'
        '<path d="M17.5 26.5V36Q17.5 38.5 14 39L8 40.5Q4.5 41.5 4 45M28.5 26.5V29M28.5 37V36Q28.5 38.5 32 39L38 40.5Q41.5 41.5 42 45"/>'
        f'<path {INK} d="M28.5 28.5Q36 28.5 36 32.75Q36 37 28.5 37Z"/>'
        '<path d="M39.5 26L42 24M40.5 32.75H44M39.5 39.5L42 41.5"/>'
    )


@icon("skin-infection", False, "A hand with a hot, red patch on the skin (skin infection).")
def _():
    return (
        '<path d="M18 46V40L10 31.5Q8.5 29.3 10.5 28Q12.3 27.2 13.8 28.8L16 31V13Q16 10 19 10H29Q32 10 32 13V38Q32 41 30.5 43.5V46"/>'
        '<path d="M21.3 10V17M26.7 10V17"/>'
        f'<circle {BLACK} cx="24" cy="29" r="3.8"/>'
        + "".join(f'<path d="M{x} 26Q{x - 2.5} 23.5 {x} 21Q{x + 2.5} 18.5 {x} 16"/>' for x in (38, 44))
    )


@icon("belly-pain", False, "A body from neck to hips with a pain burst on the belly.")
def _():
    return (
        '<path d="M18 4Q18 8.5 12 10Q7 11 7 16L8.5 23Q11 29 10 35V44M30 4Q30 8.5 36 10Q41 11 41 16L39.5 23Q37 29 38 35V44M10 38H38"/>'
        + pain_mark(24, 26.5, 7)
    )


@icon("toothbrush", False, "A toothbrush (brush teeth).")
def _():
    return (
        '<g transform="rotate(-25 24 24)">'
        '<rect x="3" y="28" width="42" height="6" rx="3"/>'
        '<path d="M29 17V24M33.5 17V24M38 17V24M42.5 17V24"/>'
        "</g>"
    )


@icon("pets", False, "A paw print (pets and animals).")
def _():
    return (
        f'<path {BLACK} d="M24 25Q16 25 13 33Q11 39 16 41Q20 42 24 40.5Q28 42 32 41Q37 39 35 33Q32 25 24 25Z"/>'
        f'<ellipse {BLACK} cx="10" cy="21" rx="4" ry="5" transform="rotate(-25 10 21)"/>'
        f'<ellipse {BLACK} cx="19" cy="11.5" rx="4" ry="5.5" transform="rotate(-8 19 11.5)"/>'
        f'<ellipse {BLACK} cx="29" cy="11.5" rx="4" ry="5.5" transform="rotate(8 29 11.5)"/>'
        f'<ellipse {BLACK} cx="38" cy="21" rx="4" ry="5" transform="rotate(25 38 21)"/>'
    )


@icon("school", False, "A school building with a flag on the roof.")
def _():
    wins = "".join(f'<rect {BLACK} x="{x}" y="27" width="5" height="5" rx="0.5"/>' for x in (12, 31))
    return (
        '<path d="M4 22L24 11L44 22M8 20V43H40V20M3 43H45"/>'
        '<path d="M24 11V3.5"/>'
        f'<path {INK} stroke-width="1.5" d="M24 3.5L31 6L24 8.5Z"/>'
        '<circle cx="24" cy="20.5" r="2.5"/>'
        '<path d="M20 43V34H28V43"/>' + wins
    )


@icon("water-bottle", False, "A water bottle with a drop on the label (drink safe water).")
def _():
    return (
        '<rect x="18.5" y="3.5" width="11" height="5.5" rx="1.5"/>'
        '<path d="M20 9V12Q13 15 13 22V41Q13 44 16 44H32Q35 44 35 41V22Q35 15 28 12V9"/>'
        '<path d="M13 23.5H35M13 37.5H35"/>'
        f'<path {INK} stroke-width="1" d="{drop_path(24, 26.5, 35)}"/>'
    )


@icon("no-fountain", False, "A drinking fountain, crossed out (do not drink from public fountains).")
def _():
    return (
        '<path d="M12.5 27H35.5Q35.5 33 24 33Q12.5 33 12.5 27Z"/>'
        '<path d="M24 33V38M18.5 38.5H29.5"/>'
        '<path d="M16 27V24Q21 4 31.5 24"/>'
    ) + prohibition()


@icon("sleepy", False, "A face with closed eyes and a crescent moon (sleepy, drowsy).")
def _():
    return (
        '<circle cx="21" cy="27" r="16"/>'
        '<path d="M12 26Q15 29.5 18 26M24 26Q27 29.5 30 26M18 35.5H24"/>'
        + crescent(38.5, 9.5, 6.5, 3.2, -2.4, 5.2)
    )


@icon("warning", False, "A filled warning triangle with an exclamation mark cut out (warning).")
def _():
    return warning_triangle(24, 4, 43, 3.5, 5.2)


@icon("shoes", True, "A sturdy lace-up shoe seen from the side (wear shoes outside).")
def _():
    return (
        '<path d="M4 42V9Q4 6 7 6H16.5Q18.5 6 18.5 8V15L33 25.5Q45 28 45 35V42Z"/>'
        '<path d="M4 36H45"/>'
        '<path d="M18.5 15H13.5M24.5 19.3H19.5M30.5 23.7H25.5"/>'
    )


@icon("no-smoking", False, "A lit cigarette with smoke rising from its tip, crossed out (do not smoke).")
def _():
    return (
        '<rect x="5.5" y="25.5" width="32" height="7" rx="1"/>'
        '<path d="M13 25.5V32.5"/>'
        f'<path {INK} d="M34.5 25.5H37.5V32.5H34.5Z"/>'
        + "".join(f'<path d="M{x} 21Q{x + 2} 18.5 {x} 16Q{x - 2} 13.5 {x} 11"/>' for x in (31.5, 36.5))
    ) + prohibition()


@icon("family", False, "Two adults with a child in front of them (family).")
def _():
    return (
        '<circle cx="10" cy="9" r="4.5"/><circle cx="38" cy="9" r="4.5"/>'
        '<path d="M3 44V24Q3 18 9 18H11Q15.5 18 16.5 21M45 44V24Q45 18 39 18H37Q32.5 18 31.5 21"/>'
        + person(24, 25, 4, 20, 32.5, 44)
    )


@icon("cough", True, "A head in profile coughing, with a spray of droplets from the mouth (cough).")
def _():
    return (
        f'<g transform="translate(-3 0)">{profile_head()}</g>'
        '<path d="M38 22.5L42 20M38.5 27.5H43M38 32.5L42 35"/>'
        + "".join(f'<circle {BLACK} cx="{x}" cy="{y}" r="1.6"/>' for x, y in ((45.5, 18.5), (46, 27.5), (45.5, 36.5)))
    )


@icon("headache", True, "A head in profile with a pain burst inside it (bad headache).")
def _():
    return profile_head() + pain_mark(20, 17, 7.5)


@icon("pee", False, "A urine sample cup with its lid off and a drop in it (peeing, urine test).")
def _():
    return (
        '<path d="M5 20H33L31 41Q30.7 44 28 44H10Q7.3 44 7 41Z"/>'
        '<path d="M9.5 27H13.5M9.5 33H13.5"/>'
        '<g transform="rotate(25 35 11)"><rect x="26.5" y="7" width="17" height="8" rx="2"/><path d="M26.5 11H43.5"/></g>'
        f'<path {INK} stroke-width="1" d="{drop_path(20.5, 25.5, 39)}"/>'
    )


@icon("bone-pain", False, "A bone with pain marks round one end (bone or joint pain).")
def _():
    return (
        f'<g transform="rotate(-45 21 27)"><path d="{bone_path(2, 40, 27, 3.5, 5, 9)}"/></g>'
        '<path d="M31 3.5L32.5 8M44.5 17L40 15.5M42.5 5.5L38.5 9.5"/>'
    )


@icon("sore-bottom", False, "The hips and bottom seen from behind, with a pain burst on one side (sore near the bottom).")
def _():
    return (
        '<path d="M11 4Q8 12 7 21Q6.5 31 8.5 44M37 4Q40 12 41 21Q41.5 31 39.5 44M11 4H37"/>'
        '<path d="M24 13V31M22 34Q15 37 8 33M26 34Q33 37 40 33M24 38V44"/>'
        + pain_mark(32.5, 22, 5.5)
    )


# --------------------------------------------------------------------------- output

HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48">'
    '<g fill="none" stroke="#000" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">'
)
TAIL = "</g></svg>\n"


def svg_text(body: str) -> str:
    return HEAD + body + TAIL


def yaml_text() -> str:
    lines = [
        "# Pictograms for the handouts (one SVG per name, same folder).",
        "# Generated by tools/build_icons.py: edit the drawings there, not the SVGs.",
        "# directional: true = mirror the picture (scale(-1,1)) in right-to-left layouts.",
        "# Colours are literal #000 (ink) and #fff (paper); swap them to draw an icon inverted.",
        f"licence: \"{LICENCE}\"",
        "style:",
        "  viewbox: \"0 0 48 48\"",
        "  stroke_width: 3",
        "  prohibition: \"circle r=21 at (24,24), bar from top-left to bottom-right, stroke 3\"",
        "icons:",
    ]
    for name, (desc, directional, _body) in ICONS.items():
        lines += [
            f"  {name}:",
            f"    file: {name}.svg",
            f"    description: \"{desc}\"",
            f"    directional: {'true' if directional else 'false'}",
            f"    licence: \"{LICENCE}\"",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    for old in OUT.glob("*.svg"):
        if old.stem not in ICONS:
            old.unlink()
    for name, (_desc, _dir, body) in ICONS.items():
        (OUT / f"{name}.svg").write_text(svg_text(body), encoding="utf-8")
    (OUT / "icons.yaml").write_text(yaml_text(), encoding="utf-8")
    print(f"wrote {len(ICONS)} icons to {OUT}")


if __name__ == "__main__":
    main()
