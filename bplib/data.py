"""Data shipped with scikit-learn, split once and for all; no download.

Inputs come with examples as columns: X has shape (n_0, m). Labels are
integers of shape (m,).
"""

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits as _sk_load_digits
from sklearn.model_selection import train_test_split

__all__ = ["Split", "load_digits", "N_PIXELS", "N_CLASSES", "IMAGE_SHAPE"]

IMAGE_SHAPE = (8, 8)
N_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
N_CLASSES = 10
MAX_PIXEL = 16.0
TEST_SIZE = 0.25
VAL_SIZE = 0.2
SPLIT_SEED = 0


@dataclass(frozen=True)
class Split:
    """Train, validation and test parts; X_* is (n_0, m), y_* is (m,)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits() -> Split:
    """The 8x8 digits: pixels / 16 in [0, 1], N_PIXELS = 64 inputs.

    The test part is 25 % of the 1797 images (stratified, random_state 0);
    the validation part is 20 % of the rest, carved the same way. Model
    choices belong on the validation part; the test part is for reporting.
    """
    X, y = _sk_load_digits(return_X_y=True)
    X = X / MAX_PIXEL
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, stratify=y, random_state=SPLIT_SEED
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=VAL_SIZE,
        stratify=y_rest,
        random_state=SPLIT_SEED,
    )
    return Split(
        np.ascontiguousarray(X_train.T),
        y_train,
        np.ascontiguousarray(X_val.T),
        y_val,
        np.ascontiguousarray(X_test.T),
        y_test,
    )
