"""Deterministic flat product illustrations for the demo catalogue, drawn with Pillow alone."""

from __future__ import annotations

import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter

KINDS = ("lens", "filter", "microscope", "telescope", "binoculars", "prism", "eyepiece", "kit", "tripod", "loupe")

_INK = (34, 37, 43)
_BODY = (47, 51, 59)
_BODY_2 = (63, 68, 78)
_BODY_3 = (88, 94, 106)
_METAL = (158, 166, 177)
_METAL_LIGHT = (206, 212, 219)
_WHITE = (255, 255, 255)
_GLASS_DEEP = (12, 15, 24)
_SPECTRUM = ((229, 57, 53), (251, 140, 0), (253, 216, 53), (67, 160, 71), (30, 136, 229), (57, 73, 171), (142, 36, 170))


def _hex(colour: str) -> tuple[int, int, int]:
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except (ValueError, IndexError):
        return 90, 120, 160


def _mix(a, b, t: float) -> tuple[int, int, int]:
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))


def _alpha(colour, opacity: float) -> tuple[int, int, int, int]:
    return (*colour[:3], max(0, min(255, round(opacity * 255))))


def _rotate(points, cx: float, cy: float, degrees: float):
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [(cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c) for x, y in points]


def _rrect_points(x0, y0, x1, y1, r, n: int = 10):
    r = max(0.0, min(r, (x1 - x0) / 2, (y1 - y0) / 2))
    if r == 0:
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    points = []
    for cx, cy, a0 in ((x1 - r, y0 + r, -90), (x1 - r, y1 - r, 0), (x0 + r, y1 - r, 90), (x0 + r, y0 + r, 180)):
        for i in range(n + 1):
            a = math.radians(a0 + 90 * i / n)
            points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _bar(p0, p1, width: float, radius: float = 0, shift: float = 0):
    """Rounded rectangle polygon running from p0 to p1 (its axis), `width` across, moved `shift` sideways."""
    (x0, y0), (x1, y1) = p0, p1
    length = math.hypot(x1 - x0, y1 - y0)
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    local = _rrect_points(0, shift - width / 2, length, shift + width / 2, radius)
    return [(x0 + x, y0 + y) for x, y in _rotate(local, 0, 0, angle)]


def _taper(p0, p1, w0: float, w1: float):
    (x0, y0), (x1, y1) = p0, p1
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    return [
        (x0 + nx * w0 / 2, y0 + ny * w0 / 2),
        (x1 + nx * w1 / 2, y1 + ny * w1 / 2),
        (x1 - nx * w1 / 2, y1 - ny * w1 / 2),
        (x0 - nx * w0 / 2, y0 - ny * w0 / 2),
    ]


def _ellipse_points(cx, cy, rx, ry, degrees: float = 0, n: int = 120, a0: float = 0, a1: float = 360):
    points = []
    for i in range(n + 1):
        a = math.radians(a0 + (a1 - a0) * i / n)
        points.append((cx + rx * math.cos(a), cy + ry * math.sin(a)))
    return _rotate(points, cx, cy, degrees) if degrees else points


def _lerp(p0, p1, t: float):
    return p0[0] + (p1[0] - p0[0]) * t, p0[1] + (p1[1] - p0[1]) * t


class _Canvas:
    """An RGBA drawing surface addressed in a 1000 x 1000 unit space."""

    def __init__(self, px: int):
        self.px = px
        self.k = px / 1000.0
        self.img = Image.new("RGBA", (px, px), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.img)

    # -- plumbing ---------------------------------------------------------
    def _p(self, points):
        return [(x * self.k, y * self.k) for x, y in points]

    def _box(self, cx, cy, rx, ry):
        k = self.k
        return [(cx - rx) * k, (cy - ry) * k, (cx + rx) * k, (cy + ry) * k]

    def _paint(self, colour, points, spread: float, fn):
        """Run fn(draw, points) directly, or, for a translucent colour, on a small layer blended over the canvas."""
        if colour is None or len(colour) == 3 or colour[3] == 255:
            fn(self.draw, points)
            return
        xs, ys = [x for x, _ in points], [y for _, y in points]
        x0 = max(0, math.floor(min(xs) - spread) - 2)
        y0 = max(0, math.floor(min(ys) - spread) - 2)
        x1 = min(self.px, math.ceil(max(xs) + spread) + 2)
        y1 = min(self.px, math.ceil(max(ys) + spread) + 2)
        if x1 <= x0 or y1 <= y0:
            return
        layer = Image.new("RGBA", (x1 - x0, y1 - y0), (0, 0, 0, 0))
        fn(ImageDraw.Draw(layer), [(x - x0, y - y0) for x, y in points])
        self.img.alpha_composite(layer, dest=(x0, y0))

    def layer(self):
        layer = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        return layer, ImageDraw.Draw(layer)

    def paste(self, layer, mask=None, blur: float = 0):
        if blur:
            layer = layer.filter(ImageFilter.GaussianBlur(blur * self.k))
        if mask is not None:
            layer.putalpha(ImageChops.multiply(layer.getchannel("A"), mask))
        self.img.alpha_composite(layer)

    def mask_ellipse(self, cx, cy, rx, ry=None):
        mask = Image.new("L", self.img.size, 0)
        ImageDraw.Draw(mask).ellipse(self._box(cx, cy, rx, rx if ry is None else ry), fill=255)
        return mask

    def mask_polygon(self, points):
        mask = Image.new("L", self.img.size, 0)
        ImageDraw.Draw(mask).polygon(self._p(points), fill=255)
        return mask

    # -- shapes -----------------------------------------------------------
    def ellipse(self, cx, cy, rx, ry, fill=None, outline=None, width: float = 0):
        w = max(1, round(width * self.k)) if outline else 0
        box = self._box(cx, cy, rx, ry)
        self._paint(fill if fill is not None else outline, [(box[0], box[1]), (box[2], box[3])], 0,
                    lambda d, b: d.ellipse([*b[0], *b[1]], fill=fill, outline=outline, width=w))

    def circle(self, cx, cy, r, fill=None, outline=None, width: float = 0):
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def ring(self, cx, cy, r, width, fill):
        """A ring whose outer radius is r."""
        self.ellipse(cx, cy, r, r, None, fill, width)

    def poly(self, points, fill=None, outline=None, width: float = 0):
        w = max(1, round(width * self.k))

        def paint(draw, pts):
            if fill is not None:
                draw.polygon(pts, fill=fill)
            if outline is not None:
                draw.line(pts + [pts[0]], fill=outline, width=w, joint="curve")

        self._paint(fill if fill is not None else outline, self._p(points), w if outline is not None else 0, paint)

    def rect(self, x0, y0, x1, y1, fill, radius: float = 0):
        self.poly(_rrect_points(x0, y0, x1, y1, radius), fill)

    def line(self, points, fill, width: float, round_caps: bool = True):
        w = max(1, round(width * self.k))

        def paint(draw, pts):
            draw.line(pts, fill=fill, width=w, joint="curve")
            if round_caps:
                r = w / 2
                for x, y in (pts[0], pts[-1]):
                    draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

        self._paint(fill, self._p(points), w, paint)

    def shadow(self, cx, cy, rx, ry, opacity: float = 0.22, blur: float = 14):
        layer, draw = self.layer()
        draw.ellipse(self._box(cx, cy, rx, ry), fill=_alpha(_INK, opacity))
        self.paste(layer, blur=blur)

    def radial(self, cx, cy, r, outer, inner, steps: int = 48, drift=(0.0, 0.0), power: float = 1.0):
        """Concentric discs from `outer` to `inner`; the centre drifts by `drift` (fraction of r) towards the middle."""
        for i in range(steps):
            t = i / (steps - 1)
            rr = r * (1 - 0.97 * t)
            self.circle(cx + drift[0] * r * t, cy + drift[1] * r * t, rr, _mix(outer, inner, t ** power))

    def crescent(self, cx, cy, r, angle: float, thickness: float, opacity: float, clip=None, colour=_WHITE):
        """A soft specular crescent on a disc of radius r, centred towards `angle` degrees."""
        layer, draw = self.layer()
        draw.ellipse(self._box(cx, cy, r, r), fill=_alpha(colour, opacity))
        a = math.radians(angle)
        ox, oy = cx - math.cos(a) * thickness * r, cy - math.sin(a) * thickness * r
        draw.ellipse(self._box(ox, oy, r * 1.02, r * 1.02), fill=(0, 0, 0, 0))
        self.paste(layer, mask=clip if clip is not None else self.mask_ellipse(cx, cy, r))


# -- background ---------------------------------------------------------------

def _background(px: int, accent, rng: random.Random) -> Image.Image:
    tint = _mix(accent, (rng.randint(200, 255), rng.randint(200, 255), rng.randint(200, 255)), 0.35)
    top = _mix(tint, _WHITE, 0.94 + rng.uniform(-0.01, 0.015))
    bottom = _mix(tint, _WHITE, 0.83 + rng.uniform(-0.02, 0.02))
    column = Image.new("RGB", (1, px))
    column.putdata([_mix(top, bottom, (y / (px - 1)) ** 1.4) for y in range(px)])
    return column.resize((px, px), Image.Resampling.BILINEAR)


# -- kinds ----------------------------------------------------------------------

def _glass(cv: _Canvas, cx, cy, r, accent, rng: random.Random, rings: int | None = None, bright: float = 1.0):
    outer = _mix(_mix((40, 58, 108), accent, 0.22), _WHITE, 0.06 * bright)
    cv.radial(cx, cy, r, outer, _GLASS_DEEP, steps=48, drift=(0.10, 0.12), power=0.7)
    clip = cv.mask_ellipse(cx, cy, r)
    # internal element reflections
    count = rings if rings is not None else rng.randint(2, 3)
    layer, draw = cv.layer()
    for i in range(count):
        rr = r * (0.78 - i * 0.2)
        w = max(1, round(r * 0.018 * cv.k))
        draw.ellipse(cv._box(cx + r * 0.04 * (i + 1), cy + r * 0.05 * (i + 1), rr, rr), outline=_alpha(_mix(accent, _WHITE, 0.5), 0.22), width=w)
    cv.paste(layer, mask=clip)
    # coating tint on the far side and the main specular highlight
    angle = rng.uniform(200, 245)
    cv.crescent(cx, cy, r, angle + 180, 0.22, 0.40, clip, colour=_mix(accent, (140, 100, 255), 0.45))
    cv.crescent(cx, cy, r * 0.7, angle + 150, 0.18, 0.22, clip, colour=_mix(accent, (90, 220, 170), 0.5))
    cv.crescent(cx, cy, r * 0.92, angle, 0.16, 0.55 * bright, colour=_WHITE)
    a = math.radians(angle)
    cv.circle(cx + math.cos(a) * r * 0.48, cy + math.sin(a) * r * 0.48, r * 0.07, _alpha(_WHITE, 0.85))
    cv.circle(cx + math.cos(a + 0.5) * r * 0.62, cy + math.sin(a + 0.5) * r * 0.62, r * 0.03, _alpha(_WHITE, 0.7))


def _draw_lens(cv: _Canvas, accent, rng: random.Random):
    cx, cy, R = 500, 470, 320
    cv.shadow(cx + 20, 850, 270, 34)
    cv.circle(cx + 10, cy + 14, R, _INK)                      # barrel depth
    cv.circle(cx, cy, R, _BODY)
    cv.ring(cx, cy, R - 12, 10, accent)                        # accent ring at the front
    cv.circle(cx, cy, R - 30, _BODY_2)                         # rubber focus grip
    ticks = rng.choice((72, 84, 96))
    for i in range(ticks):
        a = math.radians(i * 360 / ticks)
        p0 = (cx + math.cos(a) * (R - 34), cy + math.sin(a) * (R - 34))
        p1 = (cx + math.cos(a) * (R - 68), cy + math.sin(a) * (R - 68))
        cv.line([p0, p1], _BODY, 5, round_caps=False)
    cv.circle(cx, cy, R - 72, _INK)                            # name ring
    cv.ring(cx, cy, R - 72, 3, _BODY_3)
    for i in range(0, 360, 4):                                 # engraved dots on the name ring
        if 60 < i < 120:
            continue
        a = math.radians(i)
        cv.circle(cx + math.cos(a) * (R - 86), cy + math.sin(a) * (R - 86), 2.2, _alpha(_METAL, 0.55))
    cv.line([(cx - 34, cy + R - 86), (cx + 34, cy + R - 86)], accent, 6)
    cv.circle(cx, cy, R - 100, (20, 22, 27))                   # inner bezel
    cv.ring(cx, cy, R - 100, 4, _BODY_3)
    _glass(cv, cx, cy, R - 118, accent, rng)
    cv.crescent(cx, cy, R, 225, 0.05, 0.10)                    # sheen on the barrel rim


def _draw_filter(cv: _Canvas, accent, rng: random.Random):
    cx, cy, R = 490, 460, 310
    cv.shadow(cx + 20, 850, 250, 30)
    # a second filter peeking out behind
    bx, by = cx + 95, cy + 70
    cv.circle(bx + 10, by + 12, R * 0.82, _INK)
    cv.circle(bx, by, R * 0.82, _BODY_2)
    cv.circle(bx, by, R * 0.82 - 26, _alpha(_mix(accent, _WHITE, 0.25), 0.55))
    # main filter
    cv.circle(cx + 12, cy + 16, R, _INK)
    cv.circle(cx, cy, R, _BODY)
    teeth = 120
    for i in range(teeth):
        a = math.radians(i * 360 / teeth)
        cv.line([(cx + math.cos(a) * (R - 2), cy + math.sin(a) * (R - 2)), (cx + math.cos(a) * (R - 14), cy + math.sin(a) * (R - 14))], _BODY_3, 4, round_caps=False)
    cv.ring(cx, cy, R - 22, 6, accent)
    gr = R - 34
    glass = _mix(accent, _WHITE, 0.45)
    layer, draw = cv.layer()
    steps = 30
    for i in range(steps):
        t = i / (steps - 1)
        y0 = cy - gr + 2 * gr * t
        draw.rectangle(cv._box(cx, y0, gr, gr / steps + 1), fill=_alpha(_mix(accent, glass, t), 0.78 - 0.25 * t))
    cv.paste(layer, mask=cv.mask_ellipse(cx, cy, gr))
    clip = cv.mask_ellipse(cx, cy, gr)
    # diagonal glare bands
    angle = rng.uniform(-38, -28)
    layer, draw = cv.layer()
    for off, w, op in ((-0.35, 0.22, 0.35), (0.05, 0.07, 0.28)):
        band = _rotate(_rrect_points(cx - gr * 1.5, cy + gr * off, cx + gr * 1.5, cy + gr * (off + w), 0), cx, cy, angle)
        draw.polygon(cv._p(band), fill=_alpha(_WHITE, op))
    cv.paste(layer, mask=clip)
    cv.ring(cx, cy, gr + 2, 5, _alpha(_INK, 0.6))
    cv.crescent(cx, cy, R, 225, 0.04, 0.12)


def _draw_microscope(cv: _Canvas, accent, rng: random.Random):
    light = _mix(accent, _WHITE, 0.55)
    cv.shadow(510, 862, 270, 26)
    # base
    cv.rect(300, 780, 730, 850, _BODY, 30)
    cv.rect(300, 780, 730, 800, _BODY_2, 12)
    cv.ellipse(475, 778, 46, 10, light)                         # lamp
    # pillar and curved arm
    arm = [(610, 800), (700, 800), (700, 520)]
    for i in range(1, 21):
        t = i / 20
        a = math.radians(-90 * t)
        arm.append((560 + 140 * math.cos(a), 520 + 200 * math.sin(a)))
    arm += [(560, 380)]
    for i in range(1, 21):
        t = i / 20
        a = math.radians(-90 + 90 * t)
        arm.append((560 + 60 * math.cos(a), 520 + 140 * math.sin(a)))
    arm += [(620, 800)]
    cv.poly(arm, _BODY)
    # stage
    cv.rect(330, 560, 660, 590, _BODY_2, 8)
    cv.rect(330, 556, 660, 566, _BODY_3, 4)
    cv.rect(420, 546, 560, 556, _alpha(_mix(accent, _WHITE, 0.7), 0.9), 2)   # slide
    cv.rect(372, 540, 420, 552, _METAL, 4)                                   # clip
    cv.rect(560, 540, 608, 552, _METAL, 4)
    cv.rect(452, 590, 498, 640, _BODY_3, 6)                                  # condenser
    cv.rect(444, 640, 506, 652, accent, 4)
    # head
    head = _bar((560, 330), (430, 330), 90, 24)
    cv.poly(head, _BODY)
    cv.rect(420, 360, 540, 400, _BODY_2, 14)                                 # nosepiece
    cv.rect(458, 395, 498, 470, _METAL_LIGHT, 8)                             # objective
    cv.rect(458, 440, 498, 452, accent, 2)
    cv.rect(466, 468, 490, 490, _METAL, 6)
    obj2 = _bar((432, 392), (395, 450), 34, 8)
    cv.poly(obj2, _METAL)
    # inclined tube with eyepiece
    tube = _bar((470, 300), (360, 150), 70, 14)
    cv.poly(tube, _BODY_2)
    ep = _bar((372, 165), (330, 108), 56, 10)
    cv.poly(ep, _BODY_3)
    cup = _bar((338, 118), (316, 88), 66, 14)
    cv.poly(cup, _INK)
    cv.poly(_bar((470, 300), (360, 150), 10, 4, shift=-18), _alpha(_WHITE, 0.14))
    # focus knobs
    kx, ky = 668, 610
    cv.circle(kx, ky, 52, _INK)
    cv.circle(kx, ky, 46, accent)
    cv.circle(kx, ky, 26, _mix(accent, _INK, 0.3))
    cv.circle(kx, ky, 10, light)
    cv.crescent(kx, ky, 46, 225, 0.2, 0.25)


def _draw_telescope(cv: _Canvas, accent, rng: random.Random):
    cv.shadow(510, 872, 300, 26)
    apex = (510, 575)
    feet = [(270, 860), (750, 860)]
    back_foot = (545, 826)
    # back leg, then the two front legs
    cv.poly(_taper(apex, back_foot, 26, 18), _BODY_3)
    cv.poly(_bar(_lerp(apex, back_foot, 0.96), back_foot, 24, 8), _INK)
    spreader = [_lerp(apex, feet[0], 0.5), _lerp(apex, feet[1], 0.5)]
    cv.line(spreader, _BODY_3, 9)
    cv.ellipse(510, spreader[0][1] + 2, 64, 16, _BODY_2)
    cv.ellipse(510, spreader[0][1] - 2, 58, 12, _BODY_3)
    for foot in feet:
        cv.poly(_taper(apex, foot, 32, 22), _BODY_2)
        cv.poly(_bar(_lerp(apex, foot, 0.60), _lerp(apex, foot, 0.66), 40, 6), accent)
        cv.poly(_bar(_lerp(apex, foot, 0.96), foot, 32, 8), _INK)
    # mount head
    cv.rect(468, 498, 552, 592, _BODY, 14)
    cv.rect(478, 508, 488, 582, _alpha(_WHITE, 0.12), 4)
    cv.circle(560, 548, 22, _INK)
    cv.circle(560, 548, 14, accent)
    # tube geometry
    angle = rng.uniform(-27, -22)
    cx, cy = 490, 412
    L, W = 520, 110
    a = math.radians(angle)
    ux, uy = math.cos(a), math.sin(a)
    nx, ny = uy, -ux                                         # perpendicular, pointing up
    back = (cx - ux * L * 0.48, cy - uy * L * 0.48)
    front = (cx + ux * L * 0.52, cy + uy * L * 0.52)
    # focuser, star diagonal and eyepiece at the back
    focuser_end = (back[0] - ux * 70, back[1] - uy * 70)
    cv.poly(_bar(back, focuser_end, 54, 6), _BODY_3)
    cv.poly(_bar(_lerp(back, focuser_end, 0.25), _lerp(back, focuser_end, 0.5), 90, 10), _BODY_2)
    cv.circle(*_lerp(back, focuser_end, 0.38), 12, accent)
    elbow = (focuser_end[0] - ux * 24, focuser_end[1] - uy * 24)
    cv.poly(_bar((focuser_end[0] + ux * 6, focuser_end[1] + uy * 6), (elbow[0] - ux * 26, elbow[1] - uy * 26), 66, 12), _METAL)
    ep_top = (elbow[0] + nx * 118, elbow[1] + ny * 118)
    cv.poly(_bar(elbow, ep_top, 48, 8), _BODY_2)
    cv.poly(_bar(_lerp(elbow, ep_top, 0.55), _lerp(elbow, ep_top, 0.62), 52, 3), accent)
    cv.poly(_bar(_lerp(elbow, ep_top, 0.72), (ep_top[0] + nx * 8, ep_top[1] + ny * 8), 60, 10), _INK)
    # main tube, dew shield and accent bands
    cv.poly(_bar(back, front, W, 10), _BODY)
    dew_start = _lerp(back, front, 0.72)
    tip = (front[0] + ux * 10, front[1] + uy * 10)
    cv.poly(_bar(dew_start, tip, W + 22, 10), _BODY_2)
    cv.poly(_bar(dew_start, _lerp(dew_start, front, 0.08), W + 24, 4), accent)
    cv.poly(_bar(_lerp(back, front, 0.03), _lerp(back, front, 0.07), W + 6, 4), accent)
    # tube rings + dovetail down to the mount
    cv.poly(_taper(_lerp(back, front, 0.47), (510, 520), 40, 56), _INK)
    for t in (0.34, 0.56):
        cv.poly(_bar(_lerp(back, front, t), _lerp(back, front, t + 0.05), W + 16, 6), _INK)
    # highlights along the tube
    cv.poly(_bar(_lerp(back, front, 0.02), _lerp(back, front, 0.70), 12, 6, shift=-W * 0.28), _alpha(_WHITE, 0.16))
    cv.poly(_bar(_lerp(dew_start, front, 0.12), front, 12, 6, shift=-(W + 22) * 0.3), _alpha(_WHITE, 0.16))
    # objective cell seen obliquely
    cv.poly(_ellipse_points(tip[0], tip[1], 22, (W + 22) / 2, angle), _INK)
    cv.poly(_ellipse_points(tip[0] + ux * 2, tip[1] + uy * 2, 14, W / 2 - 4, angle), _mix((40, 58, 108), accent, 0.3))
    cv.poly(_ellipse_points(tip[0] + ux * 4, tip[1] + uy * 4, 6, W / 2 - 22, angle, n=40, a0=200, a1=300), None, _alpha(_WHITE, 0.6), 4)
    # finder scope on two brackets
    off = W / 2 + 40
    f0, f1 = _lerp(back, front, 0.12), _lerp(back, front, 0.32)
    p0 = (f0[0] + nx * off, f0[1] + ny * off)
    p1 = (f1[0] + nx * off, f1[1] + ny * off)
    for t in (0.25, 0.75):
        q = _lerp(p0, p1, t)
        cv.poly(_bar(q, (q[0] - nx * 40, q[1] - ny * 40), 14, 3), _BODY_3)
    cv.poly(_bar(p0, p1, 30, 8), _BODY_2)
    cv.poly(_bar(_lerp(p0, p1, 0.84), p1, 36, 6), accent)


def _draw_binoculars(cv: _Canvas, accent, rng: random.Random):
    cv.shadow(500, 860, 290, 28)
    spread = rng.uniform(138, 148)
    armour = _mix(_BODY, accent, 0.16)
    armour_dark = _mix(armour, _INK, 0.45)
    top, bottom = 300, 700

    def tapered(bx, x_half, y0, y1, r, squeeze):
        pts = _rrect_points(bx - x_half, y0, bx + x_half, y1, r)
        return [(bx + (x - bx) * (squeeze + (1 - squeeze) * (y - y0) / (y1 - y0)), y) for x, y in pts]

    # hinge bridges and centre axle
    cv.rect(500 - spread + 40, 330, 500 + spread - 40, 420, _BODY_2, 34)
    cv.rect(500 - spread + 40, 560, 500 + spread - 40, 616, _BODY_2, 28)
    cv.rect(476, 318, 524, 632, _BODY, 22)
    cv.rect(484, 330, 492, 620, _alpha(_WHITE, 0.12), 4)
    for bx in (500 - spread, 500 + spread):
        # eyepiece and eyecup
        cv.rect(bx - 60, 214, bx + 60, top + 20, _INK, 14)
        for i in range(4):
            cv.rect(bx - 60, 236 + i * 14, bx + 60, 242 + i * 14, _BODY_2)
        cv.rect(bx - 72, 192, bx + 72, 230, _BODY_2, 18)
        cv.rect(bx - 60, 194, bx + 60, 202, _alpha(_WHITE, 0.14), 4)
        # prism housing, tapering towards the eyepiece
        cv.poly(tapered(bx, 116, top, bottom, 54, 0.80), armour)
        cv.poly(tapered(bx, 116, 496, bottom, 4, 0.898), armour_dark)
        cv.rect(bx - 104, 484, bx + 104, 498, accent)
        cv.poly(tapered(bx - 72, 10, top + 30, bottom - 40, 8, 0.9), _alpha(_WHITE, 0.10))
        # objective end facing the viewer
        oy = 706
        cv.circle(bx + 6, oy + 10, 126, _INK)
        cv.circle(bx, oy, 126, _BODY)
        cv.ring(bx, oy, 126, 6, _BODY_3)
        cv.circle(bx, oy, 108, (20, 22, 27))
        _glass(cv, bx, oy, 94, accent, rng, rings=2)
    # focus wheel on top of the bridge
    cv.rect(448, 262, 552, 338, _INK, 18)
    for i in range(8):
        y = 272 + i * 8
        cv.line([(458, y), (542, y)], accent if i % 2 == 0 else _BODY_3, 4, round_caps=False)
    cv.circle(500, 596, 12, _METAL)


def _draw_prism(cv: _Canvas, accent, rng: random.Random):
    tilt = rng.uniform(-3, 3)
    cx, cy, side = 455, 520, 430
    h = side * math.sqrt(3) / 2
    tri = _rotate([(cx, cy - h * 2 / 3), (cx + side / 2, cy + h / 3), (cx - side / 2, cy + h / 3)], cx, cy, tilt)
    top, right, left = tri
    base_mid = _lerp(left, right, 0.5)
    cv.shadow(cx + 10, max(left[1], right[1]) + 8, side * 0.6, 20, opacity=0.28)
    # spectrum fan leaving the right face, fading out
    exit_pt = _lerp(top, right, 0.55)
    fan_len = 400
    base_angle = 12 + tilt + rng.uniform(-1.5, 1.5)
    layer, draw = cv.layer()
    for i, colour in enumerate(_SPECTRUM):
        a0 = math.radians(base_angle + i * 3.4)
        a1 = math.radians(base_angle + (i + 1) * 3.4 + 0.15)
        pts = [exit_pt, (exit_pt[0] + math.cos(a0) * fan_len, exit_pt[1] + math.sin(a0) * fan_len),
               (exit_pt[0] + math.cos(a1) * fan_len, exit_pt[1] + math.sin(a1) * fan_len)]
        draw.polygon(cv._p(pts), fill=_alpha(colour, 0.92))
    x0, x1 = exit_pt[0] * cv.k, (exit_pt[0] + fan_len) * cv.k
    ramp = Image.new("L", (cv.px, 1))
    ramp.putdata([255 if x < x0 + (x1 - x0) * 0.45 else max(0, round(255 * (1 - (x - x0 - (x1 - x0) * 0.45) / ((x1 - x0) * 0.55)))) for x in range(cv.px)])
    cv.paste(layer, mask=ramp.resize((cv.px, cv.px)))
    # incoming white beam
    entry = _lerp(left, top, 0.52)
    src = (70, entry[1] + 110)
    cv.line([src, entry], _alpha(_INK, 0.16), 22)
    cv.line([src, entry], _WHITE, 12)
    # glass body: two facets and an edge highlight
    light = _mix(accent, _WHITE, 0.55)
    cv.poly([top, left, base_mid], _alpha(light, 0.72))
    cv.poly([top, base_mid, right], _alpha(_mix(accent, _WHITE, 0.32), 0.72))
    cv.poly([top, _lerp(top, left, 0.9), _lerp(top, base_mid, 0.55)], _alpha(_WHITE, 0.28))
    cv.line([entry, exit_pt], _alpha(_WHITE, 0.95), 10)
    cv.poly(tri, None, _mix(accent, _INK, 0.4), 7)
    cv.line([_lerp(top, left, 0.10), _lerp(top, left, 0.42)], _alpha(_WHITE, 0.9), 7)
    cv.line([_lerp(left, right, 0.08), _lerp(left, right, 0.3)], _alpha(_WHITE, 0.5), 5)
    cv.circle(exit_pt[0], exit_pt[1], 9, _alpha(_WHITE, 0.9))


def _cylinder(cv: _Canvas, cx, y_top, y_bottom, rx, ry, side, top=None, stripes=True):
    cv.ellipse(cx, y_bottom, rx, ry, side)
    cv.rect(cx - rx, y_top, cx + rx, y_bottom, side)
    if stripes:
        cv.rect(cx - rx * 0.72, y_top, cx - rx * 0.52, y_bottom, _alpha(_WHITE, 0.12))
        cv.rect(cx + rx * 0.70, y_top, cx + rx, y_bottom, _alpha(_INK, 0.18))
    cv.ellipse(cx, y_top, rx, ry, top if top is not None else _mix(side, _WHITE, 0.12))


def _draw_eyepiece(cv: _Canvas, accent, rng: random.Random):
    cx = 500
    ry_ratio = 0.3
    cv.shadow(cx + 10, 842, 170, 24)
    # chrome barrel
    _cylinder(cv, cx, 600, 800, 92, 92 * ry_ratio, _METAL, _METAL_LIGHT)
    cv.rect(cx - 92, 690, cx + 92, 702, _alpha(_INK, 0.25))
    # body
    _cylinder(cv, cx, 380, 610, 142, 142 * ry_ratio, _BODY)
    ribs = rng.choice((7, 9))
    for i in range(ribs):
        x = cx - 110 + i * 220 / (ribs - 1)
        cv.rect(x - 6, 430, x + 6, 560, _alpha(_WHITE, 0.07), 4)
    cv.rect(cx - 142, 570, cx + 142, 588, accent)
    cv.ellipse(cx, 588, 142, 142 * ry_ratio, accent)
    cv.rect(cx - 142, 570, cx + 142, 588, accent)
    cv.ellipse(cx, 570, 142, 142 * ry_ratio, _BODY)
    # eyecup
    _cylinder(cv, cx, 300, 390, 132, 132 * ry_ratio, _INK, _BODY_2)
    # eye lens
    cv.ellipse(cx, 300, 92, 92 * ry_ratio, (18, 20, 26))
    cv.ellipse(cx, 302, 70, 70 * ry_ratio, _mix(accent, (20, 28, 60), 0.5))
    cv.ellipse(cx - 4, 305, 40, 40 * ry_ratio, _GLASS_DEEP)
    cv.ellipse(cx - 28, 296, 18, 5, _alpha(_WHITE, 0.8))


def _draw_kit(cv: _Canvas, accent, rng: random.Random):
    cv.shadow(500, 840, 330, 30)
    # case
    x0, y0, x1, y1 = 200, 360, 640, 780
    cv.rect(x0 + 12, y0 + 16, x1 + 12, y1 + 16, _INK, 56)
    cv.rect(x0, y0, x1, y1, _BODY, 56)
    cv.poly(_rrect_points(x0 + 22, y0 + 22, x1 - 22, y1 - 22, 40), None, accent, 7)
    cv.circle(x1 - 22, y0 + 110, 12, _METAL)                      # zip pull
    cv.rect(x1 - 10, y0 + 104, x1 + 34, y0 + 116, _METAL, 5)
    cv.rect(x0 + 40, y0 + 40, x1 - 40, y0 + 64, _alpha(_WHITE, 0.07), 12)
    # handle
    cv.line(_ellipse_points((x0 + x1) / 2, y0, 80, 52, 0, 30, 180, 360), _BODY_2, 22)
    # bottle
    bx, bw = 720, 62
    cv.rect(bx - bw, 470, bx + bw, 790, _alpha(_mix(accent, _WHITE, 0.7), 0.92), 28)
    cv.rect(bx - bw, 590, bx + bw, 790, _alpha(_mix(accent, _WHITE, 0.35), 0.85), 28)
    cv.rect(bx - bw, 640, bx + bw, 720, _WHITE, 0)
    cv.rect(bx - 40, 668, bx + 40, 676, accent, 3)
    cv.rect(bx - 40, 686, bx + 40, 692, _alpha(_INK, 0.3), 3)
    cv.rect(bx - bw + 12, 490, bx - bw + 24, 770, _alpha(_WHITE, 0.5), 6)
    cv.rect(bx - 34, 420, bx + 34, 476, _INK, 10)
    cv.rect(bx - 20, 380, bx + 20, 424, _BODY_2, 8)
    cv.rect(bx - 20, 386, bx + 46, 404, _BODY_2, 6)
    # emblem on the lid
    cv.circle((x0 + x1) / 2, (y0 + y1) / 2 + 10, 44, _alpha(accent, 0.35))
    cv.circle((x0 + x1) / 2, (y0 + y1) / 2 + 10, 30, _BODY)
    cv.circle((x0 + x1) / 2, (y0 + y1) / 2 + 10, 18, _alpha(accent, 0.35))
    # folded cloth lying in front
    cloth = _mix(accent, _WHITE, 0.3)
    top_face = [(214, 742), (470, 708), (608, 772), (346, 818)]
    edge = 22
    cv.poly([(x + 8, y + edge + 8) for x, y in top_face], _alpha(_INK, 0.2))
    cv.poly([top_face[3], top_face[2], (top_face[2][0], top_face[2][1] + edge), (top_face[3][0], top_face[3][1] + edge)], _mix(cloth, _INK, 0.3))
    cv.poly([top_face[0], top_face[3], (top_face[3][0], top_face[3][1] + edge), (top_face[0][0], top_face[0][1] + edge)], _mix(cloth, _INK, 0.2))
    cv.poly(top_face, cloth)
    m0, m1 = _lerp(top_face[0], top_face[1], 0.5), _lerp(top_face[3], top_face[2], 0.5)
    cv.poly([m0, top_face[1], top_face[2], m1], _mix(cloth, _WHITE, 0.18))
    cv.line([m0, m1], _alpha(_mix(cloth, _INK, 0.4), 0.6), 3)
    inner = [_lerp(top_face[i], _lerp(top_face[0], top_face[2], 0.5), 0.12) for i in range(4)]
    for i in range(4):
        e0, e1 = inner[i], inner[(i + 1) % 4]
        for j in range(10):
            cv.line([_lerp(e0, e1, j / 10 + 0.02), _lerp(e0, e1, j / 10 + 0.06)], _alpha(_WHITE, 0.6), 3, round_caps=False)


def _draw_tripod(cv: _Canvas, accent, rng: random.Random):
    cv.shadow(500, 868, 300, 24)
    hub = (500, 380)
    feet = [(250, 850), (750, 850)]
    back = (520, 810)
    # back leg first
    for foot, upper_col, lower_col, w in ((back, _BODY_3, _mix(_METAL, _INK, 0.3), 0.8),) + tuple((f, _BODY_2, _METAL, 1.0) for f in feet):
        knee = _lerp(hub, foot, 0.58)
        cv.poly(_taper(hub, knee, 40 * w, 34 * w), upper_col)
        cv.poly(_taper(knee, foot, 24 * w, 20 * w), lower_col)
        cv.poly(_bar(_lerp(hub, foot, 0.55), _lerp(hub, foot, 0.62), 46 * w, 6), accent)
        cv.poly(_bar(_lerp(hub, foot, 0.96), foot, 32 * w, 10), _INK)
    # centre column
    cv.rect(484, 250, 516, 420, _METAL)
    cv.rect(484, 250, 492, 420, _alpha(_WHITE, 0.35))
    cv.poly([(420, 360), (580, 360), (560, 420), (440, 420)], _BODY)
    cv.rect(420, 352, 580, 372, _BODY_2, 8)
    cv.circle(592, 392, 18, accent)
    # ball head
    cv.rect(466, 228, 534, 262, _BODY_2, 10)
    cv.circle(500, 200, 46, _BODY)
    cv.crescent(500, 200, 46, 225, 0.25, 0.25)
    cv.rect(488, 140, 512, 170, _BODY_2, 6)
    cv.rect(420, 118, 580, 146, accent, 10)
    cv.rect(420, 118, 580, 126, _alpha(_WHITE, 0.3), 6)
    cv.circle(556, 216, 16, _mix(accent, _INK, 0.2))
    cv.rect(566, 208, 600, 224, _mix(accent, _INK, 0.2), 6)


def _draw_loupe(cv: _Canvas, accent, rng: random.Random):
    cx, cy, R = 430, 410, 230
    cv.shadow(520, 858, 300, 26)
    # handle
    angle = rng.uniform(42, 48)
    a = math.radians(angle)
    start = (cx + math.cos(a) * (R - 10), cy + math.sin(a) * (R - 10))
    neck = (cx + math.cos(a) * (R + 60), cy + math.sin(a) * (R + 60))
    end = (cx + math.cos(a) * (R + 360), cy + math.sin(a) * (R + 360))
    cv.poly(_bar((start[0] + 8, start[1] + 12), (end[0] + 8, end[1] + 12), 78, 38), _alpha(_INK, 0.35))
    cv.poly(_bar(start, neck, 56, 10), _METAL)
    cv.poly(_bar(start, neck, 12, 6, shift=-14), _alpha(_WHITE, 0.4))
    cv.poly(_bar(neck, end, 78, 38), _BODY)
    cv.poly(_bar(_lerp(neck, end, 0.25), _lerp(neck, end, 0.75), 82, 30), accent)
    for t in (0.35, 0.45, 0.55, 0.65):
        cv.poly(_bar(_lerp(neck, end, t), _lerp(neck, end, t + 0.025), 82, 4), _alpha(_INK, 0.22))
    cv.poly(_bar(_lerp(neck, end, 0.05), _lerp(neck, end, 0.95), 10, 5, shift=-22), _alpha(_WHITE, 0.18))
    # glass: a pale tinted disc that lets the backdrop through
    gr = R - 28
    cv.circle(cx, cy, gr, _alpha(_mix(accent, _WHITE, 0.55), 0.45))
    ang = rng.uniform(205, 235)
    cv.crescent(cx, cy, gr, ang, 0.13, 0.85)
    cv.crescent(cx, cy, gr, ang + 180, 0.06, 0.35, colour=_mix(accent, _WHITE, 0.2))
    b = math.radians(ang)
    cv.circle(cx + math.cos(b) * gr * 0.5, cy + math.sin(b) * gr * 0.5, gr * 0.055, _alpha(_WHITE, 0.95))
    cv.circle(cx + math.cos(b + 0.45) * gr * 0.64, cy + math.sin(b + 0.45) * gr * 0.64, gr * 0.025, _alpha(_WHITE, 0.9))
    # rim (drawn as rings so the glass stays see-through)
    cv.ring(cx + 8, cy + 12, R, 30, _alpha(_INK, 0.5))
    cv.ring(cx, cy, R, 32, _BODY)
    cv.ring(cx, cy, R - 8, 8, accent)
    cv.ring(cx, cy, gr + 3, 4, _alpha(_INK, 0.5))
    cv.crescent(cx, cy, R, 225, 0.04, 0.16)


_DRAWERS = {
    "lens": _draw_lens,
    "filter": _draw_filter,
    "microscope": _draw_microscope,
    "telescope": _draw_telescope,
    "binoculars": _draw_binoculars,
    "prism": _draw_prism,
    "eyepiece": _draw_eyepiece,
    "kit": _draw_kit,
    "tripod": _draw_tripod,
    "loupe": _draw_loupe,
}


def draw_product_image(kind: str, colour: str, seed: int, size: int = 800) -> Image.Image:
    """Draw a flat illustration of a `kind` of product with `colour` accents; the same arguments give the same pixels.

    Unknown kinds fall back to a lens. The result is an RGB image of size x size pixels.
    """
    rng = random.Random(seed)  # noqa: S311 - repeatable demo drawings, not secrets
    accent = _hex(colour)
    px = max(64, int(size)) * 2
    background = _background(px, accent, rng)
    cv = _Canvas(px)
    # a soft disc behind the product
    disc = _mix(_mix(accent, _WHITE, 0.86), (255, 255, 255), rng.uniform(0.0, 0.2))
    cv.circle(500 + rng.uniform(-12, 12), 470 + rng.uniform(-12, 12), 360, _alpha(disc, 0.9))
    _DRAWERS.get(kind, _draw_lens)(cv, accent, rng)
    background.paste(cv.img, (0, 0), cv.img)
    return background.resize((size, size), Image.Resampling.LANCZOS)
