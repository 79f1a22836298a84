"""Lab 3. Dot product and projection: u · v, cosine similarity, the projection of u onto the
direction of v and the residual, which is orthogonal to v."""

from __future__ import annotations

import numpy as np

from . import common as c

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def from_polar(length: float, angle_deg: float) -> np.ndarray:
    """The vector of the given length at the given angle (degrees, from the x₁-axis)."""
    t = np.deg2rad(angle_deg)
    return length * c.snap(np.array([np.cos(t), np.sin(t)]))


def dot(u, v) -> float:
    return float(np.dot(np.asarray(u, dtype=float), np.asarray(v, dtype=float)))


def cosine_similarity(u, v) -> float | None:
    """u · v / (‖u‖ ‖v‖), clipped to [-1, 1]; None when u or v is the zero vector."""
    nu = np.linalg.norm(u)
    nv = np.linalg.norm(v)
    if nu == 0.0 or nv == 0.0:
        return None
    return float(np.clip(dot(u, v) / (nu * nv), -1.0, 1.0))


def angle_deg(u, v) -> float | None:
    """The angle between u and v in degrees, in [0, 180]; None if either is zero."""
    cs = cosine_similarity(u, v)
    return None if cs is None else float(np.degrees(np.arccos(cs)))


def project(u, v) -> tuple[np.ndarray, np.ndarray]:
    """The projection p = (u · v / v · v) v of u onto the direction of v, and the residual
    r = u - p (orthogonal to v). With v = 0 there is no direction: p = 0 and r = u."""
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    vv = dot(v, v)
    if vv == 0.0:
        return np.zeros_like(u), u.copy()
    p = (dot(u, v) / vv) * v
    return p, u - p


def arc(angle_from: float, angle_to: float, radius: float, n: int = 40) -> np.ndarray:
    """Points on the shorter circular arc between two directions (degrees), as (n, 2)."""
    delta = (angle_to - angle_from + 180.0) % 360.0 - 180.0
    t = np.deg2rad(angle_from + np.linspace(0.0, delta, n))
    return radius * np.column_stack([np.cos(t), np.sin(t)])


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.5


def build() -> c.Lab:
    theta_u = c.slider("angle of u (°)", -180, 180, 1, 60, primary=True, readout_format=".0f")
    len_u = c.slider("length ‖u‖", 0, 4, 0.1, 3.0)
    theta_v = c.slider("angle of v (°)", -180, 180, 1, 10, readout_format=".0f")
    len_v = c.slider("length ‖v‖", 0, 4, 0.1, 2.0)

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="projection of u onto the direction of v",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    v_line = p.lines(colors=[c.LIGHT], stroke_width=1.5, line_style="dashed")
    angle_arc = p.lines(colors=[c.GRAY], stroke_width=1.5)
    residual = p.lines(colors=[c.RED], stroke_width=2, line_style="dashed")
    corner = p.lines(colors=[c.RED], stroke_width=1)
    arrows = p.lines(colors=[c.BLUE, c.ORANGE, c.GREEN], stroke_width=3)
    tags = p.label(colors=[c.BLUE, c.ORANGE, c.GREEN, c.RED], x_offset=6, y_offset=-4)
    status = c.status_label()
    values: dict = {}

    def update():
        u = from_polar(len_u.value, theta_u.value)
        v = from_polar(len_v.value, theta_v.value)
        proj, res = project(u, v)
        d = np.deg2rad(theta_v.value)
        direction = np.array([np.cos(d), np.sin(d)])
        ends = np.outer([-2 * EXTENT, 2 * EXTENT], direction)
        c.set_data(v_line, x=ends[:, 0], y=ends[:, 1])
        ax, ay = c.arrow_paths(np.zeros((3, 2)), np.array([u, v, proj]), head=0.3)
        c.set_data(arrows, x=ax, y=ay)
        c.set_data(residual, x=np.array([proj[0], u[0]]), y=np.array([proj[1], u[1]]))
        nres = np.linalg.norm(res)
        nproj = np.linalg.norm(proj)
        if len_v.value > 0 and nres > 1e-9:
            # the right-angle mark at p, a small square along v and along r
            s = min(0.25, 0.5 * nres)
            rhat = res / nres
            back = -proj / nproj if nproj > 1e-9 else direction  # from p towards 0
            sq = proj + s * np.array([back, back + rhat, rhat])
            c.set_data(corner, x=sq[:, 0], y=sq[:, 1], visible=True)
        else:
            c.set_data(corner, visible=False)
        cos_sim = cosine_similarity(u, v)
        theta = angle_deg(u, v)
        if theta is not None:
            pts = arc(theta_v.value, theta_u.value, 0.6)
            c.set_data(angle_arc, x=pts[:, 0], y=pts[:, 1], visible=True)
        else:
            c.set_data(angle_arc, visible=False)
        at = np.array([u, v, proj, 0.5 * (proj + u)])
        c.set_data(tags, x=at[:, 0], y=at[:, 1], text=["u", "v", "p", "r"])

        uv = dot(u, v)
        lines = [
            f"u = {c.fmt_vec(u)}, v = {c.fmt_vec(v)}",
            f"<b>u · v</b> = u₁v₁ + u₂v₂ = {c.fmt(uv)}",
        ]
        if cos_sim is None:
            lines.append(
                '<span style="color:#d62728">u or v is the zero vector: the angle and the '
                "cosine similarity are undefined (0/0).</span>"
            )
        else:
            lines += [
                f"‖u‖ ‖v‖ cos θ = {c.fmt(len_u.value * len_v.value * np.cos(np.radians(theta)))}"
                f" with θ = {c.fmt(theta, 1)}°",
                f"<b>cosine similarity</b> = {c.fmt(cos_sim)}",
            ]
            if abs(uv) < 1e-9:
                lines.append("u · v = 0: u and v are orthogonal; the projection is 0.")
            elif uv < 0:
                lines.append("u · v < 0: the angle is over 90°, p points against v.")
        if len_v.value == 0:
            lines.append(
                '<span style="color:#d62728">v = 0 has no direction to project onto: '
                "p = 0 and r = u.</span>"
            )
        else:
            lines += [
                f"<b>p</b> = (u · v / v · v) v = {c.fmt_vec(proj)}, ‖p‖ = {c.fmt(nproj)}",
                f"<b>r</b> = u − p = {c.fmt_vec(res)}, ‖r‖ = {c.fmt(nres)}",
                f"r · v = {c.fmt(dot(res, v), 3)} (orthogonal, up to rounding)",
            ]
        status.value = "<br>".join(lines)
        values.update(u=u, v=v, dot=uv, cosine=cos_sim, angle=theta, projection=proj, residual=res)

    refresh = c.Refresh(update)
    controls = {"angle_u": theta_u, "length_u": len_u, "angle_v": theta_v, "length_v": len_v}
    return c.Lab(
        3,
        "Dot product and projection",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[p],
        marks={
            "arrows": arrows,
            "residual": residual,
            "right angle": corner,
            "arc": angle_arc,
            "v line": v_line,
            "labels": tags,
        },
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
