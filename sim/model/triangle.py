"""Strategic triangles (Dittmer 1981; Wu 1996): configuration and roles from relation signs.

For a triad (a, b, c) a relation is friendly when the symmetric public relation
is above zero:

- ménage à trois (+++): every actor a friend;
- romantic triangle (++-): the actor with two friendly ties is the pivot, the
  other two are wings;
- stable marriage (+--): the friendly pair are partners, the third the outcast;
- unit veto (---): every actor a foe.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

CONFIGURATIONS = ("unit_veto", "stable_marriage", "romantic_triangle", "menage_a_trois")
ROLES = ("foe", "outcast", "partner", "wing", "pivot", "friend")
# Wu's role ranking, usable as a tie score: pivot +3 ... outcast -3.
ROLE_SCORE = {"pivot": 3, "friend": 1, "partner": 1, "wing": -1, "foe": -1, "outcast": -3}


def triads(n: int) -> list[tuple[int, int, int]]:
    """All triads of ``n`` actors in index order."""
    return list(combinations(range(n), 3))


def classify(relation: np.ndarray, triad: tuple[int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Configuration codes (...,) and role codes (..., 3) of one triad.

    ``relation`` is (..., n, n) symmetric. Codes index CONFIGURATIONS and ROLES.
    """
    a, b, c = triad
    ab = relation[..., a, b] > 0
    ac = relation[..., a, c] > 0
    bc = relation[..., b, c] > 0
    positives = ab.astype(int) + ac + bc
    config = positives  # 0 unit veto, 1 marriage, 2 romantic, 3 ménage
    deg = np.stack([ab.astype(int) + ac, ab.astype(int) + bc, ac.astype(int) + bc], axis=-1)
    role = np.empty(deg.shape, dtype=int)
    p = positives[..., None]
    role[...] = np.select(
        [
            p == 0,
            (p == 1) & (deg == 0),
            (p == 1) & (deg == 1),
            (p == 2) & (deg == 1),
            (p == 2) & (deg == 2),
            p == 3,
        ],
        [0, 1, 2, 3, 4, 5],
    )
    return config, role
