"""Geodesic coverage in memory, exact without computing a geodesic: chord bounds on the WGS 84 ellipsoid.

Coverage asks, for thousands of commune centres and hundreds of places (or, for the suggestions, for
thousands of candidate sites), which pairs lie within a radius and which place is nearest. Asking
PostGIS pair by pair costs about 1.5 µs per geodesic (20 µs per indexed probe), and the pairs are dense
at large radii (6 million at 100 km). So pairs are sorted out here, vectorised, by two bounds:

- the straight chord `c` between two points (3-D, through the ellipsoid) is never longer than the
  geodesic `s` between them: `c > r` means `s > r`, out;
- the geodesic's curvature is at most the ellipsoid's largest principal curvature `1/ρ`
  (ρ = b²/a, the meridian radius at the equator), so by Schur's comparison theorem
  `c >= 2ρ·sin(s / 2ρ)`, i.e. `s <= 2ρ·asin(c / 2ρ)`: `c <= 2ρ·sin(r / 2ρ)` means `s <= r`, in.

Only the pairs between those two bounds (a band about r³/24ρ² wide: 1 m at 100 km, 4 mm at 15 km,
plus a float slack on each side: half a metre with the float32 arithmetic used for the big matrix)
are undecided, and the callers settle them with PostGIS itself (`ST_DWithin`, `ST_Distance`), so every
answer is exactly what PostGIS says. At 100 km with nothing covered, a few hundred pairs of 6 million
fall in the band.
"""

import math
from dataclasses import dataclass

import numpy as np

WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563
WGS84_B = WGS84_A * (1 - WGS84_F)
WGS84_E2 = WGS84_F * (2 - WGS84_F)
RHO_MIN = WGS84_B ** 2 / WGS84_A  # smallest radius of curvature of the ellipsoid
SLACK_M = 0.001  # the least slack: float64 rounding of 3-D coordinates is about 1e-9 m
CHUNK = 512
NEAREST_CELLS = 1 << 20  # point x site distances held at once by nearest_candidates (8 MB)


def ecef(lon_deg: np.ndarray, lat_deg: np.ndarray) -> np.ndarray:
    """Earth-centred 3-D coordinates (metres) of points on the WGS 84 ellipsoid, shape (n, 3)."""
    lon, lat = np.radians(lon_deg), np.radians(lat_deg)
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    prime_vertical = WGS84_A / np.sqrt(1 - WGS84_E2 * sin_lat ** 2)
    return np.column_stack((
        prime_vertical * cos_lat * np.cos(lon),
        prime_vertical * cos_lat * np.sin(lon),
        prime_vertical * (1 - WGS84_E2) * sin_lat,
    ))


def arc_bound(chord_m: np.ndarray) -> np.ndarray:
    """The longest geodesic that can have this chord: 2ρ·asin(c / 2ρ)."""
    return 2 * RHO_MIN * np.arcsin(np.minimum(chord_m / (2 * RHO_MIN), 1.0))


def chord_bounds(radius_m: float, slack_m: float = SLACK_M) -> tuple[float, float]:
    """(surely within, maybe within) bounds on the chord for a geodesic radius, in metres."""
    surely = 2 * RHO_MIN * math.sin(radius_m / (2 * RHO_MIN)) - slack_m
    return max(surely, 0.0), radius_m + slack_m


@dataclass
class Coverage:
    """Which candidate surely covers which target, plus the pairs too close to the radius to call.

    Targets and candidates are held in z order (`*_order[k]` is the caller's index of position k),
    so that each chunk of targets is only compared with the candidates of a z window: a chord is at
    least the z difference.
    """

    covers: np.ndarray  # covers[i, j]: candidate at z position j surely covers target at z position i
    target_order: np.ndarray
    candidate_order: np.ndarray
    band_target: np.ndarray  # caller's indices of the undecided pairs
    band_candidate: np.ndarray
    target_z: np.ndarray  # z of the targets and candidates, in z order
    candidate_z: np.ndarray
    reach: float  # no chord longer than this covers

    def columns(self, rows: np.ndarray) -> tuple[int, int]:
        """The candidate positions that may cover any of these target positions (a z window)."""
        if len(rows) == 0:
            return 0, 0
        z = self.target_z[rows]
        return (int(np.searchsorted(self.candidate_z, z.min() - self.reach, side="left")),
                int(np.searchsorted(self.candidate_z, z.max() + self.reach, side="right")))

    def add(self, target: np.ndarray, candidate: np.ndarray) -> None:
        """Mark (caller's) pairs as covering: the undecided pairs that PostGIS found within the radius."""
        t_position = np.empty_like(self.target_order)
        t_position[self.target_order] = np.arange(len(self.target_order))
        c_position = np.empty_like(self.candidate_order)
        c_position[self.candidate_order] = np.arange(len(self.candidate_order))
        self.covers[t_position[target], c_position[candidate]] = True


def coverage_matrix(targets: np.ndarray, candidates: np.ndarray, radius_m: float) -> Coverage:
    """The coverage of `targets` by `candidates` ((n, 3) ECEF arrays) within a geodesic radius.

    Squared chords are summed from coordinate differences, in float32 on coordinates centred on the
    candidates, without BLAS (whose threads cost more than they save here). float32 rounding is at most
    a few ulps of the largest coordinate (about 0.1 m for a region 600 km wide, plus 1e-7 of the chord);
    a slack of 16 ulps on both bounds absorbs it, widening the undecided band that PostGIS settles.
    Dense on purpose: at most 4.5k x 4.5k booleans (20 MB) for the region, and every later step is a
    vectorised pass over it.
    """
    target_order = np.argsort(targets[:, 2], kind="stable")
    candidate_order = np.argsort(candidates[:, 2], kind="stable")
    covers = np.zeros((len(targets), len(candidates)), dtype=bool)
    band_t: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    band_c: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    centre = candidates.mean(axis=0) if len(candidates) else np.zeros(3)
    t_all = (targets[target_order] - centre).astype(np.float32)
    c_all = (candidates[candidate_order] - centre).astype(np.float32)
    extent = float(max(np.abs(t_all).max(initial=0), np.abs(c_all).max(initial=0)))
    surely, maybe = chord_bounds(radius_m, slack_m=max(SLACK_M, 16 * float(np.spacing(np.float32(extent)))))
    surely2, maybe2 = np.float32(surely * surely), np.float32(maybe * maybe)
    coverage = Coverage(covers, target_order, candidate_order, band_t[0], band_c[0],
                        t_all[:, 2].copy(), c_all[:, 2].copy(), maybe)
    if covers.size:
        for first in range(0, len(t_all), CHUNK):
            t = t_all[first:first + CHUNK]
            low, high = coverage.columns(np.arange(first, first + len(t)))
            if low >= high:
                continue
            window = c_all[low:high]
            squared = np.subtract.outer(t[:, 0], window[:, 0])
            squared *= squared
            step = np.empty_like(squared)
            for axis in (1, 2):
                np.subtract.outer(t[:, axis], window[:, axis], out=step)
                step *= step
                squared += step
            sure = squared <= surely2
            covers[first:first + len(t), low:high] = sure
            band = squared <= maybe2
            band &= ~sure
            if np.count_nonzero(band):
                rows, cols = np.nonzero(band)
                band_t.append(target_order[rows + first])
                band_c.append(candidate_order[cols + low])
    coverage.band_target, coverage.band_candidate = np.concatenate(band_t), np.concatenate(band_c)
    return coverage


def nearest_candidates(points: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point, site) index pairs that may be the geodesically nearest site of each point.

    For each point, the chord-nearest site is at most `arc_bound(c_min)` away by geodesic, so the nearest
    site has a chord no longer than that: every site within it is a candidate (usually one or two).
    Pairs come grouped by point, sites ascending. float64 throughout.
    """
    point_parts, site_parts = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    if len(points) and len(sites):
        centre = sites.mean(axis=0)
        p_all, s_all = points - centre, sites - centre
        step = max(1, min(CHUNK, NEAREST_CELLS // len(s_all)))  # a few MB per chunk, whatever the sites
        for first in range(0, len(p_all), step):
            p = p_all[first:first + step]
            squared = np.subtract.outer(p[:, 0], s_all[:, 0]) ** 2
            squared += np.subtract.outer(p[:, 1], s_all[:, 1]) ** 2
            squared += np.subtract.outer(p[:, 2], s_all[:, 2]) ** 2
            limit = arc_bound(np.sqrt(squared.min(axis=1))) + SLACK_M
            rows, cols = np.nonzero(squared <= (limit * limit)[:, None])
            point_parts.append(rows + first)
            site_parts.append(cols)
    return np.concatenate(point_parts), np.concatenate(site_parts)
