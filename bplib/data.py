"""Data shipped with scikit-learn, split once and for all; no download.

Inputs come with examples as columns: X has shape (n_0, m). Labels are
integers of shape (m,); regression targets are floats of shape (m,).
"""

from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_diabetes as _sk_load_diabetes
from sklearn.datasets import load_digits as _sk_load_digits
from sklearn.model_selection import train_test_split

__all__ = [
    "Split",
    "load_digits",
    "load_diabetes",
    "N_PIXELS",
    "N_CLASSES",
    "IMAGE_SHAPE",
    "N_DIABETES_FEATURES",
]

IMAGE_SHAPE = (8, 8)
N_PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
N_CLASSES = 10
MAX_PIXEL = 16.0
TEST_SIZE = 0.25
VAL_SIZE = 0.2
SPLIT_SEED = 0
N_DIABETES_FEATURES = 10


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


def load_diabetes() -> Split:
    """The diabetes data: N_DIABETES_FEATURES = 10 inputs, one target.

    442 patients; the target measures disease progression one year after
    baseline. The test part is 25 % (``train_test_split(test_size=0.25,
    random_state=0)``, not stratified); the validation part is 20 % of the
    rest, carved the same way. Inputs and targets are standardised with
    the mean and standard deviation of the training part only, so nothing
    about the validation or test parts leaks into the scaling. X_* has
    shape (10, m), y_* shape (m,), both float64.
    """
    # scaled=False: scikit-learn's scaled version uses statistics of all
    # 442 patients, test part included.
    X, y = _sk_load_diabetes(return_X_y=True, scaled=False)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest, y_rest, test_size=VAL_SIZE, random_state=SPLIT_SEED
    )
    x_mean, x_std = X_train.mean(axis=0), X_train.std(axis=0)
    y_mean, y_std = y_train.mean(), y_train.std()

    def inputs(A: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(((A - x_mean) / x_std).T)

    def targets(t: np.ndarray) -> np.ndarray:
        return (t - y_mean) / y_std

    return Split(
        inputs(X_train),
        targets(y_train),
        inputs(X_val),
        targets(y_val),
        inputs(X_test),
        targets(y_test),
    )
