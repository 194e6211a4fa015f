"""Reader of the sparse multi-label ARFF files of MEKA and MULAN (private).

The files start with ``@relation 'name: -C n'`` (``n`` labels), then one
``@attribute`` line per column, the labels first (last for ``-C -n``), then
``@data`` rows in
the sparse form ``{index value, ...}`` (0-based column indices, absent entries
0). Used by the benchmarks and the tests that read the real text data sets of
``../shared/data`` (enron, OHSUMED-F).
"""

import re

import numpy as np
from scipy import sparse


def read_multilabel_arff(path):
    """Features (CSR, float64), 0/1 labels (int8) and their names from a file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    X : scipy.sparse.csr_matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_labels)
    feature_names, label_names : list of str
    """
    with open(path, encoding="utf-8") as file:
        return parse_multilabel_arff(file.read(), name=str(path))


def parse_multilabel_arff(text, name="the ARFF text"):
    """:func:`read_multilabel_arff` of the text of a file (``name`` for errors)."""
    header, body = re.split(r"^@data\s*$", text, maxsplit=1, flags=re.M | re.I)
    match = re.search(r"-C\s+(-?\d+)", header)
    if match is None:
        raise ValueError(f"{name}: the @relation line gives no '-C n_labels'.")
    names = re.findall(r"^@attribute\s+('[^']*'|\S+)", header, flags=re.M | re.I)
    names = [name.strip("'") for name in names]
    # MEKA: -C n puts the labels first, -C -n last.
    n_labels = int(match.group(1))
    first = n_labels > 0
    n_labels = abs(n_labels)
    rows, columns, values = [], [], []
    n_rows = 0
    for line in body.splitlines():
        line = line.strip()
        if not line or line.startswith("%"):
            continue
        for entry in filter(None, line.strip("{}").split(",")):
            index, value = entry.split()
            rows.append(n_rows)
            columns.append(int(index))
            values.append(float(value))
        n_rows += 1
    full = sparse.csr_matrix(
        (values, (rows, columns)), shape=(n_rows, len(names)), dtype=np.float64
    )
    labels = slice(0, n_labels) if first else slice(len(names) - n_labels, None)
    features = slice(n_labels, None) if first else slice(0, len(names) - n_labels)
    Y = full[:, labels].toarray().astype(np.int8)
    X = full[:, features].tocsr()
    return X, Y, names[features], names[labels]
