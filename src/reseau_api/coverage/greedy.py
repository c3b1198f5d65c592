"""Where to open the next places: greedy maximum coverage over commune centres.

Candidate sites are commune centres; the pairs (candidate, still-uncovered commune) within the radius
come from `geometry.coverage_matrix` (exact, see there). The greedy picks the site that covers the most
still-uncovered population, removes what it covers, and repeats: the classic (1 - 1/e)-approximation
of maximum coverage. Every step is a vectorised pass over the z window of the dense matrix.

Measured on the region (4,453 communes, nothing covered, n = 50, one core): about 45 ms of CPU at
15 km and 170 ms at 100 km for the pairs and the greedy together.
"""

from dataclasses import dataclass

import numpy as np

from reseau_api.coverage.geometry import CHUNK, Coverage


def _weighted_sums(weights: np.ndarray, coverage: Coverage, rows: np.ndarray) -> np.ndarray:
    """For every candidate position: the sum of weights[i] * covers[i, j] over the target positions
    `rows`, exactly (float64 on integers), in bounded memory and only over the z window they reach."""
    total = np.zeros(coverage.covers.shape[1])
    for first in range(0, len(rows), CHUNK):
        part = rows[first:first + CHUNK]
        low, high = coverage.columns(part)
        total[low:high] += np.einsum("i,ij->j", weights[part], coverage.covers[part, low:high],
                                     dtype=np.float64, casting="unsafe")
    return total


@dataclass(frozen=True)
class Pick:
    candidate: int
    population: int  # newly covered population
    targets: int  # newly covered targets (communes)


def greedy(population: np.ndarray, coverage: Coverage, n: int) -> list[Pick]:
    """Up to `n` picks, each the candidate covering the most still-uncovered population.

    `population[t]` is the population of (caller's) target t. Ties go to the lowest candidate index.
    Stops early when no candidate covers anything more. Populations are summed as float64: exact for
    integers up to 2**53, far beyond any population.
    """
    covers = coverage.covers
    weights = population[coverage.target_order].astype(np.float64)
    gains = _weighted_sums(weights, coverage, np.arange(len(weights)))
    covered = np.zeros(len(weights), dtype=bool)
    picks: list[Pick] = []
    for _ in range(n):
        if covers.shape[1] == 0:
            break
        tied = np.flatnonzero(gains == gains.max())
        best = int(tied[np.argmin(coverage.candidate_order[tied])])
        if gains[best] <= 0:
            break
        newly = np.flatnonzero(covers[:, best] & ~covered)
        covered[newly] = True
        gains -= _weighted_sums(weights, coverage, newly)
        picks.append(Pick(int(coverage.candidate_order[best]), int(weights[newly].sum()), len(newly)))
    return picks
