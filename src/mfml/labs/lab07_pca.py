"""Lab 7. PCA: the variance of a 2-D point cloud along a direction, the principal axes (the
eigenvectors of the covariance matrix), and the reconstruction error of projecting onto a
line. Covariances here divide by N (the mean over the data)."""

from __future__ import annotations

import numpy as np

from . import common as c

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


def direction(phi_deg: float) -> np.ndarray:
    t = np.deg2rad(phi_deg)
    return np.array([np.cos(t), np.sin(t)])


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
    """uᵀ S u for u = direction(phi) at many angles at once."""
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


def build() -> c.Lab:
    sx = c.slider("spread σ₁ (x₁)", 0.2, 2.5, 0.05, 2.0)
    sy = c.slider("spread σ₂ (x₂)", 0.2, 2.5, 0.05, 1.0)
    rho = c.slider("correlation ρ", -0.95, 0.95, 0.05, 0.6)
    phi = c.slider("direction φ (°)", 0, 180, 1, 120, primary=True, readout_format=".0f")
    to_pc1 = c.button("φ → first principal axis")
    resample = c.button("new sample")

    p = c.plot(
        (-EXTENT, EXTENT),
        (-EXTENT, EXTENT),
        title="points, projections, principal axes",
        x_label="x₁",
        y_label="x₂",
        equal=True,
        main=True,
    )
    residuals = p.lines(colors=["#f4a5a5"], stroke_width=1)
    points = p.scatter(colors=[c.BLUE], default_size=12, opacities=[0.6])
    line = p.lines(colors=[c.GRAY], stroke_width=2, line_style="dashed")
    projected = p.scatter(colors=[c.ORANGE], default_size=12)
    axes = p.lines(colors=[c.PURPLE, c.GREEN], stroke_width=3)
    tags = p.label(text=["PC1", "PC2"], colors=[c.PURPLE, c.GREEN], x_offset=6)

    q = c.plot(
        (0, 180),
        (0, 7),
        title="variance (blue) and error (red) against φ",
        x_label="φ (°)",
        y_label="mean square",
        height=250,
    )
    var_curve = q.lines(colors=[c.BLUE], stroke_width=2)
    err_curve = q.lines(colors=[c.RED], stroke_width=2)
    now = q.lines(colors=[c.GRAY], stroke_width=1.5, line_style="dashed")
    dots = q.scatter(colors=[c.BLUE, c.RED], default_size=50)
    status = c.status_label()
    values: dict = {}
    state: dict = {"seed": 0, "Z": standard_sample(N, 0)}

    def update_cloud():
        X = make_cloud(state["Z"], sx.value, sy.value, rho.value)
        S = covariance(X)
        lam, Q = principal_axes(X)
        c.set_data(points, x=X[:, 0], y=X[:, 1])
        heads = (2 * np.sqrt(np.maximum(lam, 0.0)) * Q).T  # rows: 2 sqrt(lambda_i) q_i
        ax, ay = c.arrow_paths(np.zeros((2, 2)), heads, head=0.3)
        c.set_data(axes, x=ax, y=ay)
        c.set_data(tags, x=heads[:, 0], y=heads[:, 1])
        var = variance_curve(S, PHIS)
        total = float(np.trace(S))
        c.set_data(var_curve, x=PHIS, y=var)
        c.set_data(err_curve, x=PHIS, y=total - var)
        top = max(total * 1.05, 1.0)
        with q.sy.hold_sync():
            q.sy.max = top
        state.update(
            key=(sx.value, sy.value, rho.value, state["seed"]),
            X=X,
            S=S,
            lam=lam,
            Q=Q,
            top=top,
            total=total,
        )

    def update():
        if state.get("key") != (sx.value, sy.value, rho.value, state["seed"]):
            update_cloud()
        X, lam, Q, total = state["X"], state["lam"], state["Q"], state["total"]
        u = direction(phi.value)
        _, Xhat = project_onto(X, u)
        c.set_data(projected, x=Xhat[:, 0], y=Xhat[:, 1])
        ends = np.outer([-2 * EXTENT, 2 * EXTENT], u)
        c.set_data(line, x=ends[:, 0], y=ends[:, 1])
        k = N_RESIDUALS
        c.set_data(
            residuals,
            x=np.column_stack([X[:k, 0], Xhat[:k, 0]]),
            y=np.column_stack([X[:k, 1], Xhat[:k, 1]]),
        )
        var_u = variance_along(X, u)
        err_u = reconstruction_error(X, u)
        c.set_data(now, x=np.array([phi.value, phi.value]), y=np.array([0.0, state["top"]]))
        c.set_data(dots, x=np.array([phi.value, phi.value]), y=np.array([var_u, err_u]))
        pc1 = angle_of(Q[:, 0])
        lines = [
            "<b>covariance</b> S = [[{}, {}], [{}, {}]]".format(
                *(c.fmt(t, 2) for t in state["S"].ravel())
            ),
            f"eigenvalues λ₁ = {c.fmt(lam[0])}, λ₂ = {c.fmt(lam[1])}; PC1 at {c.fmt(pc1, 1)}°",
            f"PC1 explains λ₁ / (λ₁ + λ₂) = {c.fmt(100 * lam[0] / total, 1)}% of the variance",
            f"<b>variance along φ</b> = uᵀSu = {c.fmt(var_u)}",
            f"<b>reconstruction error</b> = {c.fmt(err_u)}",
            f"sum = {c.fmt(var_u + err_u)} = total variance tr S = {c.fmt(total)}",
        ]
        if abs(lam[0] - lam[1]) < 1e-6 * total:
            lines.append(
                "λ₁ = λ₂: the cloud is round; every direction has the same variance, "
                "so no axis is preferred."
            )
        status.value = "<br>".join(lines)
        values.update(
            X=X,
            S=state["S"],
            eigenvalues=lam,
            axes=Q,
            u=u,
            variance=var_u,
            error=err_u,
            pc1_angle=pc1,
        )

    refresh = c.Refresh(update)

    def go_pc1(_button=None):
        phi.value = angle_of(state["Q"][:, 0])

    def new_sample(_button=None):
        state["seed"] += 1
        state["Z"] = standard_sample(N, state["seed"])
        refresh()

    to_pc1.on_click(go_pc1)
    resample.on_click(new_sample)
    controls = {
        "sx": sx,
        "sy": sy,
        "rho": rho,
        "phi": phi,
        "to_pc1": to_pc1,
        "new_sample": resample,
    }
    return c.Lab(
        7,
        "PCA",
        controls=controls,
        layout_controls=[sx, sy, rho, phi, c.button_row([to_pc1, resample])],
        plots=[p, q],
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
            "labels": tags,
        },
        status=status,
        refresh=refresh,
        values=values,
    )


def show() -> c.Lab:
    """Build the lab, display it, and return it (see `Lab`)."""
    return build().show()
