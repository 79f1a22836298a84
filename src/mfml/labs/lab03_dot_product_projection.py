"""Lab 3. Dot product and projection: u · v, cosine similarity, the projection of u onto the
direction of v and the residual, which is orthogonal to v."""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import clean, unit_vector

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def from_polar(length: float, angle_deg: float) -> np.ndarray:
    """The vector of the given length at the given angle (degrees, from the x₁-axis)."""
    return length * unit_vector(angle_deg)


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


def length_times_cosine(u, v) -> float | None:
    """‖u‖ ‖v‖ cos θ, the geometric face of u · v (θ the angle between u and v); None when
    either vector is zero (θ is undefined)."""
    theta = angle_deg(u, v)
    if theta is None:
        return None
    return float(np.linalg.norm(u) * np.linalg.norm(v) * np.cos(np.radians(theta)))


def signed_shadow(u, v) -> float | None:
    """The signed length of the projection of u on the direction of v, u · v / ‖v‖: negative
    when p points against v. u · v is this shadow times ‖v‖. None when v = 0."""
    nv = np.linalg.norm(v)
    return None if nv == 0.0 else dot(u, v) / float(nv)


def right_angle_mark(p, r, direction, size: float = 0.25) -> np.ndarray | None:
    """The small square that marks the right angle between the line of v and the residual r
    at the foot p of the projection, as 3 points (from the line, the corner, to r); None when
    r is (nearly) zero and there is no angle to mark. `direction` is v's unit direction."""
    p = np.asarray(p, dtype=float)
    r = np.asarray(r, dtype=float)
    nr, n_p = np.linalg.norm(r), np.linalg.norm(p)
    if nr <= 1e-9:
        return None
    s = min(size, 0.5 * nr)
    rhat = r / nr
    back = -p / n_p if n_p > 1e-9 else np.asarray(direction, dtype=float)  # from p towards 0
    return p + s * np.array([back, back + rhat, rhat])


def arc(angle_from: float, angle_to: float, radius: float, n: int = 40) -> np.ndarray:
    """Points on the shorter circular arc between two directions (degrees), as (n, 2)."""
    delta = (angle_to - angle_from + 180.0) % 360.0 - 180.0
    t = np.deg2rad(angle_from + np.linspace(0.0, delta, n))
    return radius * np.column_stack([np.cos(t), np.sin(t)])


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

EXTENT = 4.5


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {},
    2: {"angle_u": 130.0},
    3: {},
    4: {"length_v": 0.0},
    5: {},
}


def build() -> ui.Lab:
    theta_u = ui.slider("angle of u (°)", -180, 180, 1, 60, primary=True, readout_format=".0f")
    len_u = ui.slider("length ‖u‖", 0, 4, 0.1, 3.0)
    theta_v = ui.slider("angle of v (°)", -180, 180, 1, 10, readout_format=".0f")
    len_v = ui.slider("length ‖v‖", 0, 4, 0.1, 2.0)

    plane = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="projection of u onto the direction of v",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    v_line = plane.lines(colors=[ui.LIGHT], stroke_width=1.5, line_style="dashed")
    angle_arc = plane.lines(colors=[ui.GRAY], stroke_width=1.5)
    residual = plane.lines(colors=[ui.RED], stroke_width=2, line_style="dashed")
    corner = plane.lines(colors=[ui.RED], stroke_width=1)
    arrows = plane.lines(colors=[ui.BLUE, ui.ORANGE, ui.GREEN], stroke_width=3)
    tags = plane.label(colors=[ui.BLUE, ui.ORANGE, ui.GREEN, ui.RED], x_offset=6, y_offset=-4)
    status = ui.status_label()
    values: dict = {}

    def update():
        lu, au, lv, av = ui.slider_values(len_u, theta_u, len_v, theta_v)
        u = from_polar(lu, au)
        v = from_polar(lv, av)
        proj, res = project(u, v)
        direction = unit_vector(av)
        ends = np.outer([-2 * EXTENT, 2 * EXTENT], direction)
        ui.set_data(v_line, x=ends[:, 0], y=ends[:, 1])
        ax, ay = ui.arrow_paths(np.zeros((3, 2)), np.array([u, v, proj]), head=0.3)
        u_head.place(*u)
        v_head.place(*v)
        ui.set_data(arrows, x=ax, y=ay)
        ui.set_data(residual, x=np.array([proj[0], u[0]]), y=np.array([proj[1], u[1]]))
        mark = right_angle_mark(proj, res, direction) if lv > 0 else None
        if mark is not None:
            ui.set_data(corner, x=mark[:, 0], y=mark[:, 1], visible=True)
        else:
            ui.set_data(corner, visible=False)
        cos_sim = cosine_similarity(u, v)
        theta = angle_deg(u, v)
        if theta is not None:
            pts = arc(av, au, 0.6)
            ui.set_data(angle_arc, x=pts[:, 0], y=pts[:, 1], visible=True)
        else:
            ui.set_data(angle_arc, visible=False)
        at = np.array([u, v, proj, 0.5 * (proj + u)])
        ui.set_data(tags, x=at[:, 0], y=at[:, 1], text=["u", "v", "p", "r"])

        # rounding noise is measured against the sizes of the operands: ‖u‖ ‖v‖ for products,
        # ‖u‖ for p and r (which are at most as long as u)
        uv = dot(u, v)
        size = lu * lv
        uv_shown = float(clean(uv, size))
        lines = [
            f"u = {ui.fmt_vec(u, scale=lu)}, v = {ui.fmt_vec(v, scale=lv)}",
            f"<b>u · v</b> = u₁v₁ + u₂v₂ = {ui.fmt(uv, scale=size)}",
        ]
        if cos_sim is None:
            lines.append(
                ui.warn(
                    "u or v is the zero vector: the angle and the cosine similarity are "
                    "undefined (0/0)."
                )
            )
        else:
            lines += [
                f"‖u‖ ‖v‖ cos θ = {ui.fmt(length_times_cosine(u, v), scale=size)}"
                f" with θ = {ui.fmt(theta, 1)}°",
                f"<b>cosine similarity</b> = {ui.fmt(cos_sim, scale=1.0)}",
                f"shadow of u on v: u · v / ‖v‖ = {ui.fmt(signed_shadow(u, v), scale=lu)}"
                " (signed), and u · v = shadow × ‖v‖",
            ]
            if uv_shown == 0.0:
                lines.append("u · v = 0: u and v are orthogonal; the projection is 0.")
            elif uv_shown < 0:
                lines.append("u · v &lt; 0: the angle is over 90°, p points against v.")
        if lv == 0:
            lines.append(ui.warn("v = 0 has no direction to project onto: p = 0 and r = u."))
        else:
            lines += [
                f"<b>p</b> = (u · v / v · v) v = {ui.fmt_vec(proj, scale=lu)}, "
                f"‖p‖ = {ui.fmt(np.linalg.norm(proj), scale=lu)}",
                f"<b>r</b> = u − p = {ui.fmt_vec(res, scale=lu)}, "
                f"‖r‖ = {ui.fmt(np.linalg.norm(res), scale=lu)}",
                # the raw value on purpose: this rounding noise is prompt 5's question
                f"r · v = {ui.fmt(dot(res, v), 3)} (orthogonal, up to rounding)",
            ]
        ui.show_status(status, lines)
        values.update(
            u=u,
            v=v,
            dot=uv,
            cosine=cos_sim,
            angle=theta,
            projection=proj,
            residual=res,
            residual_dot_v=dot(res, v),
        )

    refresh = ui.Refresh(update)

    def drop_vector(angle, length):
        """A head dropped at (x, y): its angle and length, on the sliders' steps."""

        def on_drop(x, y):
            with refresh.hold():
                if np.hypot(x, y) > 0:
                    angle.value = float(np.round(np.degrees(np.arctan2(y, x))))
                length.value = float(np.clip(np.round(np.hypot(x, y), 1), length.min, length.max))

        return on_drop

    u_head = ui.Handle(plane, drop_vector(theta_u, len_u), colors=[ui.BLUE], default_size=60)
    v_head = ui.Handle(plane, drop_vector(theta_v, len_v), colors=[ui.ORANGE], default_size=60)
    controls = {"angle_u": theta_u, "length_u": len_u, "angle_v": theta_v, "length_v": len_v}
    return ui.Lab(
        3,
        "Dot product and projection",
        controls=controls,
        layout_controls=list(controls.values()),
        plots=[plane],
        marks={
            "arrows": arrows,
            "residual": residual,
            "right angle": corner,
            "arc": angle_arc,
            "v line": v_line,
            "labels": tags,
            "head of u": u_head.mark,
            "head of v": v_head.mark,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
