"""Lab 7. PCA: the variance of a 2-D point cloud along a direction, the principal axes (the
eigenvectors of the covariance matrix), and the reconstruction error of projecting onto a
line. Covariances here divide by N (the mean over the data).

By default the cloud is whitened so that its sample covariance is exactly the chosen one; with
"raw draws" it is a plain random sample, whose covariance (and PC1) varies from sample to
sample."""

from __future__ import annotations

import numpy as np

from . import common as ui
from .maths import unit_vector

# ---------------------------------------------------------------------------------------------
# Mathematics
# ---------------------------------------------------------------------------------------------


def standard_sample(n: int, seed: int = 0) -> np.ndarray:
    """n points whose sample mean is exactly 0 and sample covariance exactly I (whitened
    normal draws), so that a cloud built from them has exactly the covariance asked for."""
    Z = np.random.default_rng(seed).standard_normal((n, 2))
    Z -= Z.mean(axis=0)
    lam, Q = np.linalg.eigh(Z.T @ Z / n)
    return Z @ Q @ np.diag(lam**-0.5) @ Q.T


def raw_sample(n: int, seed: int = 0) -> np.ndarray:
    """n plain standard normal draws in 2-D: mean and covariance only near 0 and I."""
    return np.random.default_rng(seed).standard_normal((n, 2))


def covariance_matrix(sx: float, sy: float, rho: float) -> np.ndarray:
    """[[sx², rho sx sy], [rho sx sy, sy²]]."""
    return np.array([[sx * sx, rho * sx * sy], [rho * sx * sy, sy * sy]])


def make_cloud(Z, sx: float, sy: float, rho: float) -> np.ndarray:
    """Z @ Lᵀ with L L ᵀ = Sigma (Cholesky): covariance Sigma when Z has covariance I."""
    L = np.linalg.cholesky(covariance_matrix(sx, sy, rho))
    return np.asarray(Z, dtype=float) @ L.T


def covariance(X) -> np.ndarray:
    """Sample covariance (1/N) Xcᵀ Xc of the rows of X, Xc = X − mean."""
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]


def principal_axes(X) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (largest first) and unit eigenvectors (columns) of the covariance of X."""
    lam, Q = np.linalg.eigh(covariance(X))
    order = np.argsort(lam)[::-1]
    lam, Q = lam[order], Q[:, order]
    Q = Q * np.where(Q[0] < 0, -1.0, 1.0)  # a fixed sign: first entry >= 0
    return lam, Q


def variance_along(X, u) -> float:
    """The variance of the coordinates of X along the unit vector u: uᵀ S u."""
    u = np.asarray(u, dtype=float)
    u = u / np.linalg.norm(u)
    return float(u @ covariance(X) @ u)


def project_onto(X, u) -> tuple[np.ndarray, np.ndarray]:
    """The coordinates z = (x − mean) · u and the reconstructions mean + z u, for unit u."""
    X = np.asarray(X, dtype=float)
    u = np.asarray(u, dtype=float)
    u = u / np.linalg.norm(u)
    mean = X.mean(axis=0)
    z = (X - mean) @ u
    return z, mean + np.outer(z, u)


def reconstruction_error(X, u) -> float:
    """The mean squared distance from the points to their projections on the line mean + t u.
    It equals the total variance minus the variance along u."""
    _, Xhat = project_onto(X, u)
    return float(np.mean(np.sum((np.asarray(X, dtype=float) - Xhat) ** 2, axis=1)))


def variance_curve(S, phis_deg) -> np.ndarray:
    """uᵀ S u for the unit vectors u at the angles phi (degrees), many at once."""
    t = np.deg2rad(np.asarray(phis_deg, dtype=float))
    cs, sn = np.cos(t), np.sin(t)
    return S[0, 0] * cs * cs + 2 * S[0, 1] * cs * sn + S[1, 1] * sn * sn


def angle_of(u) -> float:
    """Angle of the line through u, in [0, 180) degrees."""
    return float(np.mod(np.degrees(np.arctan2(u[1], u[0])), 180.0))


# ---------------------------------------------------------------------------------------------
# The lab
# ---------------------------------------------------------------------------------------------

N = 150
N_RESIDUALS = 40  # residual segments drawn for the first points only
EXTENT = 5.0
PHIS = np.arange(0.0, 180.5, 1.0)
JITTER = np.random.default_rng(1).uniform(-0.5, 0.5, N)  # spreads the strip's dots vertically


# What each numbered "Try this" step of the lab's page sets (its "step n" button): the state
# its text describes first (up to its first observation), never what it asks the learner to find.
TRY_THIS = {
    1: {},
    2: {"to_pc1": ui.CLICK},
    3: {"rho": 0.0, "sx": 1.0, "sy": 1.0},
    4: {"sx": 2.0, "sy": 1.0, "rho": 0.0},
    5: {"rho": 0.95},
    6: {"new_sample": ui.CLICK},
}


def build() -> ui.Lab:
    sx = ui.slider("spread σ₁ (x₁)", 0.2, 2.5, 0.05, 2.0)
    sy = ui.slider("spread σ₂ (x₂)", 0.2, 2.5, 0.05, 1.0)
    rho = ui.slider("correlation ρ", -0.95, 0.95, 0.05, 0.6)
    phi = ui.slider("direction φ (°)", 0, 180, 1, 120, primary=True, readout_format=".0f")
    to_pc1 = ui.button("φ → first principal axis")
    resample = ui.button("new sample")
    raw = ui.checkbox("raw draws (the sample covariance is noisy)")

    cloud_plot = ui.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="points, projections, principal axes",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    residuals = cloud_plot.lines(colors=["#f4a5a5"], stroke_width=1)
    points = cloud_plot.scatter(colors=[ui.BLUE], default_size=12, opacities=[0.6])
    line = cloud_plot.lines(colors=[ui.GRAY], stroke_width=2, line_style="dashed")
    projected = cloud_plot.scatter(colors=[ui.ORANGE], default_size=12)
    axes = cloud_plot.lines(colors=[ui.PURPLE, ui.GREEN], stroke_width=3)
    tags = cloud_plot.label(text=["PC1", "PC2"], colors=[ui.PURPLE, ui.GREEN], x_offset=6)

    curve_plot = ui.plot(
        (0, 180),
        (0, 7),
        title="variance (blue) and error (red) against φ",
        x_label="φ (°)",
        y_label="mean square",
        height=250,
    )
    var_curve = curve_plot.lines(colors=[ui.BLUE], stroke_width=2)
    err_curve = curve_plot.lines(colors=[ui.RED], stroke_width=2)
    now = curve_plot.lines(colors=[ui.GRAY], stroke_width=1.5, line_style="dashed")
    dots = curve_plot.scatter(colors=[ui.BLUE, ui.RED], default_size=50)

    strip_plot = ui.plot(
        (-2 * EXTENT, 2 * EXTENT),
        (-1.0, 1.0),
        title="the coordinates z along u",
        x_label="z = (x − mean) · u",
        height=220,  # 135 px of strip on a desktop, 93 on a phone (the figure keeps its aspect)
        y_axis=False,  # the dots' heights are a fixed jitter that only spreads them out
    )
    strip_plot.lines([0, 0], [-1, 1], colors=[ui.LIGHT], stroke_width=1)
    spread = strip_plot.lines(colors=[ui.BLUE], stroke_width=3, opacities=[0.5])
    strip = strip_plot.scatter(colors=[ui.ORANGE], default_size=14, opacities=[0.6])
    status = ui.status_label()
    values: dict = {}
    sample = {"seed": 0}
    cloud_memo = ui.Memo()

    def update_cloud(sigma1, sigma2, r, seed, plain):
        Z = raw_sample(N, seed) if plain else standard_sample(N, seed)
        X = make_cloud(Z, sigma1, sigma2, r)
        chosen = covariance_matrix(sigma1, sigma2, r)
        S = covariance(X)
        lam, Q = principal_axes(X)
        true_lam, true_Q = np.linalg.eigh(chosen)
        ui.set_data(points, x=X[:, 0], y=X[:, 1])
        heads = (2 * np.sqrt(np.maximum(lam, 0.0)) * Q).T  # rows: 2 sqrt(lambda_i) q_i
        ax, ay = ui.arrow_paths(np.zeros((2, 2)), heads, head=0.3)
        ui.set_data(axes, x=ax, y=ay)
        ui.set_data(tags, x=heads[:, 0], y=heads[:, 1])
        var = variance_curve(S, PHIS)
        total = float(np.trace(S))
        ui.set_data(var_curve, x=PHIS, y=var)
        ui.set_data(err_curve, x=PHIS, y=total - var)
        top = max(total * 1.05, 1.0)
        with curve_plot.sy.hold_sync():
            curve_plot.sy.max = top
        return {
            "X": X,
            "S": S,
            "chosen": chosen,
            "lam": lam,
            "Q": Q,
            "top": top,
            "total": total,
            "pc1_chosen": angle_of(true_Q[:, -1]),
        }

    def update():
        sigma1, sigma2, r = ui.slider_values(sx, sy, rho)
        key = (sigma1, sigma2, r, sample["seed"], raw.value)
        cloud = cloud_memo(key, lambda: update_cloud(*key))
        X, S, lam, Q, total = cloud["X"], cloud["S"], cloud["lam"], cloud["Q"], cloud["total"]
        angle = float(ui.slider_values(phi)[0])
        u = unit_vector(angle)
        z, Xhat = project_onto(X, u)
        ui.set_data(projected, x=Xhat[:, 0], y=Xhat[:, 1])
        # the 1-D picture of the same projection: the points on the line, flattened, with a
        # bar of ± one standard deviation (the square root of the variance along u)
        ui.set_data(strip, x=z, y=JITTER)
        sd = float(np.sqrt(np.mean(z * z)))
        ui.set_data(spread, x=np.array([-sd, sd]), y=np.array([-0.8, -0.8]))
        ends = np.outer([-2 * EXTENT, 2 * EXTENT], u)
        ui.set_data(line, x=ends[:, 0], y=ends[:, 1])
        k = N_RESIDUALS
        ui.set_data(
            residuals,
            x=np.column_stack([X[:k, 0], Xhat[:k, 0]]),
            y=np.column_stack([X[:k, 1], Xhat[:k, 1]]),
        )
        var_u = variance_along(X, u)
        err_u = reconstruction_error(X, u)
        ui.set_data(now, x=np.array([angle, angle]), y=np.array([0.0, cloud["top"]]))
        ui.set_data(dots, x=np.array([angle, angle]), y=np.array([var_u, err_u]))
        pc1 = angle_of(Q[:, 0])
        matrix = "[[{}, {}], [{}, {}]]"
        lines = [
            "<b>covariance</b> S = "
            + matrix.format(*(ui.fmt(x, 2, scale=total) for x in S.ravel())),
        ]
        if raw.value:
            lines += [
                "(S is the sample covariance of these points; the sliders chose Σ = "
                + matrix.format(*(ui.fmt(x, 2) for x in cloud["chosen"].ravel()))
                + f", whose PC1 is at {ui.fmt(cloud['pc1_chosen'], 1)}°)",
            ]
        lines += [
            f"eigenvalues λ₁ = {ui.fmt(lam[0])}, λ₂ = {ui.fmt(lam[1], scale=total)}; "
            f"PC1 at {ui.fmt(pc1, 1)}°",
            f"PC1 explains λ₁ / (λ₁ + λ₂) = {ui.fmt(100 * lam[0] / total, 1)}% of the variance",
            f"<b>variance along φ</b> = uᵀSu = {ui.fmt(var_u)}",
            f"<b>reconstruction error</b> = {ui.fmt(err_u)}",
            f"sum = {ui.fmt(var_u + err_u)} = total variance tr S = {ui.fmt(total)}",
        ]
        if abs(lam[0] - lam[1]) < 1e-6 * total:
            lines.append(
                "λ₁ = λ₂: the cloud is round; every direction has the same variance, "
                "so no axis is preferred."
            )
        if sample["seed"] and not raw.value:
            lines.append(
                "New points, same numbers: the cloud is built so that its covariance S is "
                "exactly the one the sliders chose. Tick <b>raw draws</b> to see how the "
                "covariance of a plain random sample varies."
            )
        ui.show_status(status, lines)
        values.update(
            X=X,
            S=S,
            chosen=cloud["chosen"],
            eigenvalues=lam,
            axes=Q,
            u=u,
            variance=var_u,
            error=err_u,
            pc1_angle=pc1,
            pc1_chosen=cloud["pc1_chosen"],
            z=z,
        )

    refresh = ui.Refresh(update)

    def go_pc1(_button=None):
        phi.value = values["pc1_angle"]

    def new_sample(_button=None):
        sample["seed"] += 1
        refresh()

    def restart():
        sample["seed"] = 0

    to_pc1.on_click(go_pc1)
    resample.on_click(new_sample)
    controls = {
        "sx": sx,
        "sy": sy,
        "rho": rho,
        "phi": phi,
        "to_pc1": to_pc1,
        "new_sample": resample,
        "raw": raw,
    }
    return ui.Lab(
        7,
        "PCA",
        controls=controls,
        layout_controls=[sx, sy, rho, phi, ui.button_row([to_pc1, resample]), raw],
        plots=[cloud_plot, curve_plot, strip_plot],
        marks={
            "points": points,
            "projected": projected,
            "line": line,
            "residuals": residuals,
            "axes": axes,
            "variance": var_curve,
            "error": err_curve,
            "now": now,
            "dots": dots,
            "strip": strip,
            "spread": spread,
            "labels": tags,
        },
        status=status,
        refresh=refresh,
        values=values,
        steps=TRY_THIS,
        on_reset=restart,
    )


def show() -> ui.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
