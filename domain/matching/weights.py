"""Fellegi–Sunter m and u probabilities per field and level (domain.matching.compare), learned
from unlabelled pairs. Written by bench/fit_match_weights.py: do not edit by hand, fit
again (docs/benchmarks.md, "Duplicate matching on public data")."""

# sources: generator,febrl1,febrl2,febrl3; random pairs 200,000 a source
M = {
    "given": (0.117874, 0.065657, 0.0562795, 0.0966932, 0.663496),
    "surname": (0.263703, 0.0169488, 0.0453526, 0.135268, 0.538728),
    "company": (0.0712868, 0.12188, 0.0588518, 0.251432, 0.496549),
    "email": (0.156566, 0.00254777, 0.190214, 0.650672),
    "phone": (0.116965, 0.883035),
}
U = {
    "given": (0.977686, 0.0138713, 0.00176361, 0.00100191, 0.00567706),
    "surname": (0.98687, 0.00819826, 0.00112361, 0.000582773, 0.00322559),
    "company": (0.994259, 0.00399473, 0.000380667, 0.000233606, 0.00113159),
    "email": (0.998209, 0.00167985, 9.35175e-05, 1.73181e-05),
    "phone": (0.999955, 4.46867e-05),
}
PRIOR = 0.891862  # the share of one person among the pairs blocking puts together
THRESHOLD = 12.500  # log2 of the Bayes factor a likely duplicate reaches
