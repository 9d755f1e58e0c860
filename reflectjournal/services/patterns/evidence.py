"""How much the numbers support a sentence: the statistics behind gaps, mood by tag and changes.

Every claim Patterns, the prep brief and the weekly review make about a leader's writing goes
through one of these tests, so the three never disagree and none of them reads a pattern into
noise.

Gaps (co-occurrence)
--------------------
If a leader wrote ``a`` entries about one item and ``b`` about another, out of ``n`` entries in
all, and the two were unrelated, the number written about both follows the hypergeometric
distribution: ``expected = a * b / n``. A "gap" is claimed only when

- ``expected >= GAP_MIN_EXPECTED`` (about 3): below that, "never together" is what chance
  produces most of the time (with 0.15 expected, never together happens 86% of the time), and
- the probability of seeing this few together by chance, ``P(X <= together)``, is at most
  ``GAP_MAX_P`` (0.05).

Mood or energy by tag
---------------------
Entries with a tag against entries without it: both means, both counts, the difference with a
95% interval (Welch's t, which does not assume equal spread), and a shrunken difference that
pulls small samples towards no difference (``n_with / (n_with + SHRINK_N)`` of the raw one).
Rows are ordered by evidence (the size of the difference against its standard error), not by
the raw difference, so the noisiest tags do not come first. These are associations in what the
leader wrote, never causes.

Changes in a mean (mood or energy this week against the week before)
--------------------------------------------------------------------
"Up" or "down" only when each side has at least ``MEAN_MIN_N`` ratings, the means differ by at
least ``MEAN_MIN_CHANGE`` points on the 1-5 scale, and Welch's 95% interval for the difference
excludes zero; otherwise "level", or "too few" when a side is too small to say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

GAP_MIN_EXPECTED = 3.0
GAP_MAX_P = 0.05
ASSOCIATION_MIN_N = 3
SHRINK_N = 5
MEAN_MIN_N = 3
MEAN_MIN_CHANGE = 0.5
_Z975 = NormalDist().inv_cdf(0.975)


# ---- co-occurrence --------------------------------------------------------------------------


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def hypergeometric_cdf(k: int, total: int, a: int, b: int) -> float:
    """P(X <= k) where X is how many of ``b`` draws from ``total`` fall among ``a`` marked ones."""
    low, high = max(0, a + b - total), min(a, b)
    if k < low:
        return 0.0
    if k >= high:
        return 1.0
    denominator = _log_comb(total, b)
    # Each term is exp(_log_comb(a, i) + _log_comb(total - a, b - i) - denominator), written
    # out with the two lgammas that do not change with i worked out once: the same operations
    # in the same order, so the same floats, at a third of the cost (gaps at 100k entries sum
    # ~9,000 terms).
    lgamma, exp = math.lgamma, math.exp
    whole_a, whole_rest, rest = lgamma(a + 1), lgamma(total - a + 1), total - a
    return min(
        1.0,
        sum(
            exp(
                (whole_a - lgamma(i + 1) - lgamma(a - i + 1))
                + (whole_rest - lgamma(b - i + 1) - lgamma(rest - (b - i) + 1))
                - denominator
            )
            for i in range(low, k + 1)
        ),
    )


@dataclass(frozen=True)
class Cooccurrence:
    """How often two items were written about together, against what chance would give."""

    count: int  # entries about the first item
    other_count: int  # entries about the second
    together: int
    total: int  # entries in the range
    expected: float
    p_value: float  # P(this few together or fewer | unrelated)

    @property
    def is_gap(self) -> bool:
        return (
            self.together < self.expected
            and self.expected >= GAP_MIN_EXPECTED
            and self.p_value <= GAP_MAX_P
        )


def may_be_gap(count: int, other_count: int, together: int, total: int) -> bool:
    """Whether ``cooccurrence(...)`` of these numbers can be a gap at all: the two cheap tests
    of ``is_gap`` without the p-value, which sums up to hundreds of terms of ``lgamma``s."""
    if total <= 0:
        return False
    expected = count * other_count / total
    return together < expected and expected >= GAP_MIN_EXPECTED


def cooccurrence(count: int, other_count: int, together: int, total: int) -> Cooccurrence:
    if total <= 0:
        return Cooccurrence(count, other_count, together, total, 0.0, 1.0)
    expected = count * other_count / total
    p = hypergeometric_cdf(together, total, count, other_count)
    return Cooccurrence(count, other_count, together, total, expected, p)


def times(n: int) -> str:
    return "once" if n == 1 else "twice" if n == 2 else f"{n} times"


def expected_words(expected: float) -> str:
    """'about 9 expected' — rounded, since a decimal would suggest false precision."""
    return f"about {round(expected):d} expected" if expected >= 1 else "fewer than 1 expected"


# ---- mean comparisons -----------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A set of 1-5 ratings, as sums (what SQL hands back cheaply)."""

    n: int
    total: float
    squares: float

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def variance(self) -> float:
        if self.n < 2:
            return 0.0
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))

    def minus(self, part: Sample) -> Sample:
        return Sample(self.n - part.n, self.total - part.total, self.squares - part.squares)

    @classmethod
    def of(cls, values: list[int] | list[float]) -> Sample:
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))


def t_quantile(df: float) -> float:
    """The 97.5% point of Student's t (Cornish-Fisher expansion: 3.16 for 3.18 at 3 df, within 0.003 from 5 df)."""
    if df <= 0 or math.isinf(df):
        return _Z975
    z = _Z975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


@dataclass(frozen=True)
class Difference:
    """Mean of ``first`` minus mean of ``second``, with a 95% Welch interval."""

    first: Sample
    second: Sample
    difference: float
    low: float
    high: float
    standard_error: float

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0

    @property
    def strength(self) -> float:
        """The difference in standard errors: what "ordered by evidence" sorts on."""
        if self.standard_error == 0:
            return 0.0 if self.difference == 0 else math.inf
        return abs(self.difference) / self.standard_error


def difference(first: Sample, second: Sample) -> Difference:
    d = (first.mean or 0.0) - (second.mean or 0.0)
    v1 = first.variance / first.n if first.n else 0.0
    v2 = second.variance / second.n if second.n else 0.0
    se = math.sqrt(v1 + v2)
    if se == 0:
        return Difference(first, second, d, d, d, 0.0)
    # Welch–Satterthwaite degrees of freedom.
    df_parts = (v1**2 / (first.n - 1) if first.n > 1 else 0) + (
        v2**2 / (second.n - 1) if second.n > 1 else 0
    )
    df = (v1 + v2) ** 2 / df_parts if df_parts else math.inf
    half = t_quantile(df) * se
    return Difference(first, second, d, d - half, d + half, se)


def mean_change(now: Sample, before: Sample) -> str:
    """'up', 'down', 'level' or 'too few' (see the module notes)."""
    if now.n < MEAN_MIN_N or before.n < MEAN_MIN_N:
        return "too few"
    diff = difference(now, before)
    if abs(diff.difference) < MEAN_MIN_CHANGE or not diff.excludes_zero:
        return "level"
    return "up" if diff.difference > 0 else "down"


@dataclass(frozen=True)
class TagAssociation:
    """Mood (or energy) in entries with a tag against entries without it."""

    slug: str
    name: str
    mean_with: float
    n_with: int
    mean_without: float
    n_without: int
    difference: float
    low: float
    high: float
    shrunk: float
    strength: float

    @property
    def clear(self) -> bool:
        """The 95% interval leaves out zero: more than chance would often give."""
        return self.low > 0 or self.high < 0

    def sentence(self, measure: str) -> str:
        direction = "higher" if self.difference > 0 else "lower"
        gap = abs(self.difference)
        span = f"95% interval {self.low:+.1f} to {self.high:+.1f}"
        if not self.clear:
            return (
                f"{measure.capitalize()} in entries tagged {self.name} averages "
                f"{self.mean_with:.1f} (n={self.n_with}) against {self.mean_without:.1f} "
                f"(n={self.n_without}) in the rest; a difference this size could be chance "
                f"({span})."
            )
        return (
            f"Entries tagged {self.name} record {measure} {gap:.1f} points {direction} than "
            f"your other entries ({self.mean_with:.1f}, n={self.n_with}, against "
            f"{self.mean_without:.1f}, n={self.n_without}; {span}). They go together in what "
            f"you wrote; this does not say one causes the other."
        )


def association(
    slug: str, name: str, tagged: Sample, everything: Sample, min_n: int = ASSOCIATION_MIN_N
) -> TagAssociation | None:
    rest = everything.minus(tagged)
    if tagged.n < min_n or rest.n < min_n:
        return None
    diff = difference(tagged, rest)
    shrunk = diff.difference * tagged.n / (tagged.n + SHRINK_N)
    return TagAssociation(
        slug=slug,
        name=name,
        mean_with=round(tagged.mean or 0.0, 2),
        n_with=tagged.n,
        mean_without=round(rest.mean or 0.0, 2),
        n_without=rest.n,
        difference=round(diff.difference, 2),
        low=round(diff.low, 2),
        high=round(diff.high, 2),
        shrunk=round(shrunk, 2),
        strength=round(diff.strength, 2) if math.isfinite(diff.strength) else 99.0,
    )
