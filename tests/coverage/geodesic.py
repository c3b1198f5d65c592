"""An independent reference: Vincenty's inverse formula on the WGS 84 ellipsoid, in plain Python.

PostGIS measures geography with Karney's algorithm on the same ellipsoid; the two agree to well under
a millimetre at regional distances (Vincenty's own accuracy is about 0.5 mm, and it only fails to
converge for nearly antipodal points, which a region never has). Tests therefore compare distances
within MM and treat a commune as ambiguous only if its distance is within MM of the radius.
"""

import math

A = 6378137.0
F = 1 / 298.257223563
B = A * (1 - F)
MM = 0.001


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    if lon1 == lon2 and lat1 == lat2:
        return 0.0
    u1 = math.atan((1 - F) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - F) * math.tan(math.radians(lat2)))
    big_l = math.radians(lon2 - lon1)
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0:
            return 0.0
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha ** 2
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = F / 16 * cos2_alpha * (4 + F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm ** 2)))
        if abs(lam - previous) < 1e-13:
            break
    else:
        raise ArithmeticError("Vincenty did not converge")
    u_sq = cos2_alpha * (A ** 2 - B ** 2) / B ** 2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = big_b * sin_sigma * (cos_2sm + big_b / 4 * (
        cos_sigma * (-1 + 2 * cos_2sm ** 2)
        - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma ** 2) * (-3 + 4 * cos_2sm ** 2)))
    return B * big_a * (sigma - delta_sigma)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Sphere distance (mean radius): within 0.6 % of the ellipsoidal one, used only to skip far pairs."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
