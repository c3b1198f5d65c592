"""French city centres the synthetic directory clusters around: (name, lat, lon, department, population k).

Approximate town-hall coordinates; the population (thousands, rounded) only sets each cluster's weight
and spread. Occitanie's cities are all there (the network's home); the rest cover the country.
"""

CITIES: list[tuple[str, float, float, str, int]] = [
    ("Paris", 48.8566, 2.3522, "75", 2100),
    ("Marseille", 43.2965, 5.3698, "13", 870),
    ("Lyon", 45.7640, 4.8357, "69", 520),
    ("Toulouse", 43.6047, 1.4442, "31", 500),
    ("Nice", 43.7102, 7.2620, "06", 340),
    ("Nantes", 47.2184, -1.5536, "44", 320),
    ("Montpellier", 43.6108, 3.8767, "34", 300),
    ("Strasbourg", 48.5734, 7.7521, "67", 290),
    ("Bordeaux", 44.8378, -0.5792, "33", 260),
    ("Lille", 50.6292, 3.0573, "59", 235),
    ("Rennes", 48.1173, -1.6778, "35", 220),
    ("Reims", 49.2583, 4.0317, "51", 180),
    ("Toulon", 43.1242, 5.9280, "83", 180),
    ("Saint-Étienne", 45.4397, 4.3872, "42", 175),
    ("Le Havre", 49.4944, 0.1079, "76", 170),
    ("Grenoble", 45.1885, 5.7245, "38", 158),
    ("Dijon", 47.3220, 5.0415, "21", 158),
    ("Angers", 47.4784, -0.5632, "49", 157),
    ("Nîmes", 43.8367, 4.3601, "30", 150),
    ("Clermont-Ferrand", 45.7772, 3.0870, "63", 147),
    ("Le Mans", 48.0061, 0.1996, "72", 145),
    ("Aix-en-Provence", 43.5297, 5.4474, "13", 145),
    ("Brest", 48.3904, -4.4861, "29", 140),
    ("Tours", 47.3941, 0.6848, "37", 137),
    ("Amiens", 49.8941, 2.2958, "80", 134),
    ("Limoges", 45.8336, 1.2611, "87", 130),
    ("Annecy", 45.8992, 6.1294, "74", 130),
    ("Perpignan", 42.6887, 2.8948, "66", 120),
    ("Metz", 49.1193, 6.1757, "57", 118),
    ("Besançon", 47.2378, 6.0241, "25", 117),
    ("Orléans", 47.9030, 1.9093, "45", 116),
    ("Rouen", 49.4432, 1.0999, "76", 112),
    ("Mulhouse", 47.7508, 7.3359, "68", 108),
    ("Caen", 49.1829, -0.3707, "14", 106),
    ("Nancy", 48.6921, 6.1844, "54", 104),
    ("Avignon", 43.9493, 4.8055, "84", 91),
    ("Poitiers", 46.5802, 0.3404, "86", 88),
    ("Béziers", 43.3442, 3.2158, "34", 78),
    ("La Rochelle", 46.1603, -1.1511, "17", 77),
    ("Pau", 43.2951, -0.3708, "64", 76),
    ("Calais", 50.9513, 1.8587, "62", 73),
    ("Ajaccio", 41.9192, 8.7386, "2A", 71),
    ("Bourges", 47.0810, 2.3988, "18", 64),
    ("Valence", 44.9334, 4.8924, "26", 64),
    ("Quimper", 47.9960, -4.1020, "29", 63),
    ("Montauban", 44.0176, 1.3550, "82", 61),
    ("Troyes", 48.2973, 4.0744, "10", 61),
    ("Chambéry", 45.5646, 5.9178, "73", 59),
    ("Niort", 46.3237, -0.4588, "79", 59),
    ("Lorient", 47.7483, -3.3700, "56", 57),
    ("Narbonne", 43.1840, 3.0040, "11", 55),
    ("Vannes", 47.6582, -2.7608, "56", 54),
    ("Albi", 43.9289, 2.1464, "81", 49),
    ("Laval", 48.0733, -0.7700, "53", 49),
    ("Bastia", 42.6977, 9.4508, "2B", 48),
    ("Carcassonne", 43.2130, 2.3491, "11", 46),
    ("Sète", 43.4028, 3.6969, "34", 44),
    ("Saint-Brieuc", 48.5141, -2.7603, "22", 44),
    ("Alès", 44.1250, 4.0810, "30", 42),
    ("Tarbes", 43.2328, 0.0781, "65", 41),
    ("Angoulême", 45.6484, 0.1562, "16", 41),
    ("Castres", 43.6060, 2.2400, "81", 41),
    ("Chartres", 48.4439, 1.4890, "28", 38),
    ("Agen", 44.2033, 0.6163, "47", 32),
    ("Périgueux", 45.1847, 0.7214, "24", 30),
    ("Rodez", 44.3506, 2.5750, "12", 24),
    ("Auch", 43.6465, 0.5855, "32", 22),
    ("Millau", 44.0980, 3.0780, "12", 22),
    ("Cahors", 44.4475, 1.4419, "46", 19),
    ("Mende", 44.5181, 3.5000, "48", 12),
    ("Foix", 42.9653, 1.6071, "09", 10),
]


def weight(population_k: int) -> float:
    """Share of the clustered places: sub-linear in population (small towns have their tiers-lieux too)."""
    return population_k ** 0.8


def spread_deg(population_k: int) -> float:
    """Standard deviation (degrees) of a cluster around its centre: a few km, more for big metropolises."""
    return 0.015 + 0.003 * population_k ** 0.5
