"""Reference projections, written from their definitions (independent of PostGIS/PROJ)."""

import math

A = 6378137.0  # GRS80 / WGS84 semi-major axis
E = 0.0818191910428158  # GRS80 eccentricity


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:2154 (RGF93 / Lambert-93): Lambert conformal conic, 2 standard parallels (44°, 49°), origin
    46°30'N 3°E, false easting 700 km, false northing 6600 km (IGN, NTG_71)."""
    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (E * math.sin(phi)) ** 2)

    def t(phi: float) -> float:
        return math.tan(math.pi / 4 - phi / 2) / ((1 - E * math.sin(phi)) / (1 + E * math.sin(phi))) ** (E / 2)

    phi1, phi2, phi0, lon0 = map(math.radians, (44.0, 49.0, 46.5, 3.0))
    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    f = m(phi1) / (n * t(phi1) ** n)
    rho0, rho = A * f * t(phi0) ** n, A * f * t(math.radians(lat)) ** n
    theta = n * (math.radians(lon) - lon0)
    return 700000 + rho * math.sin(theta), 6600000 + rho0 - rho * math.cos(theta)


def web_mercator(lon: float, lat: float) -> tuple[float, float]:
    """EPSG:3857: spherical Mercator on the WGS84 semi-major axis."""
    return A * math.radians(lon), A * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
