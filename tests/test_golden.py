"""Regression: a seeded run matches its stored golden output (regenerate: make golden)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.golden import CASES, GOLDEN, produce


@pytest.mark.parametrize("name", sorted(CASES))
def test_matches_golden(name):
    fresh = produce(CASES[name])
    for table, df in fresh.items():
        path = GOLDEN / f"{name}_{table}.csv"
        assert path.exists(), f"missing {path}: run `make golden`"
        want = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype={"cameo": str})
        got = df.reset_index(drop=True)
        assert list(got.columns) == list(want.columns)
        assert len(got) == len(want), table
        for col in got.columns:
            if pd.api.types.is_numeric_dtype(want[col]) and pd.api.types.is_numeric_dtype(got[col]):
                np.testing.assert_allclose(
                    got[col].to_numpy(float),
                    want[col].to_numpy(float),
                    rtol=1e-9,
                    atol=1e-12,
                    err_msg=f"{table}.{col}",
                )
            else:
                assert (
                    got[col].fillna("").astype(str).tolist()
                    == want[col].fillna("").astype(str).tolist()
                ), f"{table}.{col}"
