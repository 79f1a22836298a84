"""The Longley data and NIST's certified regression results for it.

Source: NIST Statistical Reference Datasets (StRD), Linear Regression, data set "Longley",
https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml (public domain, a work of the US
government). The data are from J. W. Longley, "An appraisal of least squares programs for the
electronic computer from the point of view of the user", Journal of the American Statistical
Association 62 (1967), 819-841. NIST rates the problem "higher" difficulty and computed the
certified values with 500-digit arithmetic; they are quoted here to the 15 significant digits
NIST publishes.

The model is TOTEMP = b0 + b1 x1 + b2 x2 + b3 x3 + b4 x4 + b5 x5 + b6 x6, fitted to 16
yearly observations (1947 to 1962) by least squares:

    y   TOTEMP   total employment (thousands of people)
    x1  GNPDEFL  GNP implicit price deflator (1954 = 100)
    x2  GNP      gross national product (millions of dollars)
    x3  UNEMP    unemployed (thousands)
    x4  ARMED    size of the armed forces (thousands)
    x5  POP      non-institutional population aged 14 and over (thousands)
    x6  YEAR     the year

Usage::

    from mfml.data import longley
    X, y = longley.design()          # X: (16, 7) with the intercept column first, y: (16,)
    beta = longley.CERTIFIED_BETA    # (7,), b0 first
"""

from __future__ import annotations

import numpy as np

SOURCE = (
    'NIST Statistical Reference Datasets, Linear Regression, "Longley" '
    "(Longley 1967, J. Amer. Statist. Assoc. 62, 819-841); certified values computed by NIST "
    "with 500-digit arithmetic"
)
URL = "https://www.itl.nist.gov/div898/strd/lls/data/Longley.shtml"

NAMES = ("GNP deflator", "GNP", "Unemployed", "Armed Forces", "Population", "Year")
SHORT = ("GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR")
TARGET = "TOTEMP"

# NIST's layout: y, then x1 ... x6, one observation per line.
_TABLE = """\
60323  83.0 234289 2356 1590 107608 1947
61122  88.5 259426 2325 1456 108632 1948
60171  88.2 258054 3682 1616 109773 1949
61187  89.5 284599 3351 1650 110929 1950
63221  96.2 328975 2099 3099 112075 1951
63639  98.1 346999 1932 3594 113270 1952
64989  99.0 365385 1870 3547 115094 1953
63761 100.0 363112 3578 3350 116219 1954
66019 101.2 397469 2904 3048 117388 1955
67857 104.6 419180 2822 2857 118734 1956
68169 108.4 442769 2936 2798 120445 1957
66513 110.8 444546 4681 2637 121950 1958
68655 112.6 482704 3813 2552 123366 1959
69564 114.2 502601 3931 2514 125368 1960
69331 115.7 518173 4806 2572 127852 1961
70551 116.9 554894 4007 2827 130081 1962
"""

# Certified values (NIST), b0 first. Kept as tuples so that no caller can change them.
_BETA = (
    -3482258.63459582,
    15.0618722713733,
    -0.358191792925910e-01,
    -2.02022980381683,
    -1.03322686717359,
    -0.511041056535807e-01,
    1829.15146461355,
)
_SD = (
    890420.383607373,
    84.9149257747669,
    0.334910077722432e-01,
    0.488399681651699,
    0.214274163161675,
    0.226073200069370,
    455.478499142212,
)
RESIDUAL_SD = 304.854073561965
R_SQUARED = 0.995479004577296
N_OBSERVATIONS = 16
N_PARAMETERS = 7
CERTIFIED_DIGITS = 15  # significant digits NIST publishes for each certified value


def _frozen(values) -> np.ndarray:
    out = np.array(values, dtype=np.float64)
    out.flags.writeable = False
    return out


CERTIFIED_BETA = _frozen(_BETA)
CERTIFIED_SD = _frozen(_SD)


def table() -> np.ndarray:
    """The data as NIST prints it: a (16, 7) float64 array, columns y, x1, ..., x6."""
    rows = [[float(v) for v in line.split()] for line in _TABLE.splitlines() if line.strip()]
    return np.array(rows, dtype=np.float64)


def load() -> tuple[np.ndarray, np.ndarray]:
    """The six predictors, shape (16, 6), and the response TOTEMP, shape (16,)."""
    data = table()
    return data[:, 1:].copy(), data[:, 0].copy()


def design() -> tuple[np.ndarray, np.ndarray]:
    """The design matrix with the intercept column first, shape (16, 7), and y, shape (16,)."""
    features, y = load()
    return np.column_stack([np.ones(len(y)), features]), y


def certified() -> dict:
    """NIST's certified results, as fresh (writable) copies."""
    return {
        "beta": np.array(_BETA),
        "sd": np.array(_SD),
        "residual_sd": RESIDUAL_SD,
        "r_squared": R_SQUARED,
        "source": SOURCE,
        "url": URL,
    }


def csv_text() -> str:
    """The data as CSV with a header line (the file content/capstone/data/longley.csv)."""
    header = ",".join((TARGET, *SHORT))
    lines = [",".join(line.split()) for line in _TABLE.splitlines() if line.strip()]
    return "\n".join([header, *lines]) + "\n"
