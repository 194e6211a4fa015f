"""Row passes: where the rows live, and how a kernel is applied to them.

A row pass holds the data as blocks of rows (see :mod:`._row_kernels`) and
offers these operations, all an objective needs:

- ``gather(kernel, *states, **params)``: the list over the blocks of
  ``kernel(block, *block_states, **params)``;
- ``reduce(kernel, *states, **params)``: their sum (reductions);
- ``map(kernel, *states, **params)``: for kernels returning ``(new_state,
  reductions)``: the new per-row state (kept where the rows are) and the summed
  reductions;
- ``apply(kernel, *states, **params)``: new per-row state only;
- ``derive(kernel, **params)`` / ``map_state(kernel, *states, **params)``: a
  new row pass of the blocks ``kernel(block, **params)`` (e.g. the columns of
  some labels), or new per-row state from old states alone.

:class:`InMemoryRowPass` holds one block of NumPy/SciPy arrays and calls the
kernels directly; :class:`DaskRowPass` holds one block per row chunk of dask
arrays, persisted on the workers, and maps the kernels over them with the active
dask scheduler: only reductions travel to the client. An objective written
against these operations runs on both.
"""

import functools

from ..utils._dask import persist_blocks


def add_in_order(results):
    """Sum of per-block reductions, in block order (deterministic).

    A reduction may be a scalar, an array, or a tuple of those (summed item by
    item).
    """
    if isinstance(results[0], tuple):
        return tuple(add_in_order(items) for items in zip(*results))
    total = results[0]
    for result in results[1:]:
        total = total + result
    return total


class InMemoryRowPass:
    """The rows of in-memory data: one block, kernels called directly."""

    def __init__(self, block):
        self.block = block

    def gather(self, kernel, *states, **params):
        return [kernel(self.block, *states, **params)]

    def reduce(self, kernel, *states, **params):
        return kernel(self.block, *states, **params)

    def map(self, kernel, *states, **params):
        return kernel(self.block, *states, **params)

    def derive(self, kernel, **params):
        return type(self)(kernel(self.block, **params))

    def map_state(self, kernel, *states, **params):
        return kernel(*states, **params)

    def apply(self, kernel, *states, **params):
        return kernel(self.block, *states, **params)


def _first(pair):
    return pair[0]


def _second(pair):
    return pair[1]


def _call(kernel, params, block, *states):
    return kernel(block, *states, **params)


class DaskRowPass:
    """The rows of dask data: one block per row chunk, persisted on the workers.

    Parameters
    ----------
    blocks : list of dask.delayed.Delayed
        One persisted block (a dict of chunks, see :mod:`._row_kernels`) per row
        chunk.
    """

    def __init__(self, blocks):
        self.blocks = blocks

    def _tasks(self, kernel, states, params):
        import dask

        call = functools.partial(_call, kernel, params)
        return [
            dask.delayed(call, pure=True)(block, *(state[i] for state in states))
            for i, block in enumerate(self.blocks)
        ]

    def gather(self, kernel, *states, **params):
        import dask

        return list(dask.compute(*self._tasks(kernel, states, params)))

    def reduce(self, kernel, *states, **params):
        return add_in_order(self.gather(kernel, *states, **params))

    def map(self, kernel, *states, **params):
        import dask

        pairs = dask.persist(*self._tasks(kernel, states, params))
        new_state = [dask.delayed(_first, pure=True)(pair) for pair in pairs]
        new_state = list(dask.persist(*new_state))
        reductions = dask.compute(
            *(dask.delayed(_second, pure=True)(pair) for pair in pairs)
        )
        return new_state, add_in_order(list(reductions))

    def derive(self, kernel, **params):
        import dask

        return type(self)(list(dask.persist(*self._tasks(kernel, (), params))))

    def map_state(self, kernel, *states, **params):
        import dask

        call = functools.partial(kernel, **params)
        return list(
            dask.persist(*(dask.delayed(call, pure=True)(*s) for s in zip(*states)))
        )

    def apply(self, kernel, *states, **params):
        import dask

        return list(dask.persist(*self._tasks(kernel, states, params)))


def _block_of_chunks(make_block, chunks):
    return make_block(*chunks)


def dask_row_pass(make_block, *arrays, names):
    """A :class:`DaskRowPass` over the row chunks of dask ``arrays``.

    The arrays (row-aligned, None allowed) are persisted and checked for
    non-finite values (:func:`skbce.utils._dask.persist_blocks`); each row
    chunk's block is ``make_block(*chunks)``, made and kept on the workers.
    """
    import dask

    chunk_blocks = persist_blocks(*arrays, names=names)
    call = functools.partial(_block_of_chunks, make_block)
    blocks = list(
        dask.persist(
            *(dask.delayed(call, pure=True)(chunks) for chunks in chunk_blocks)
        )
    )
    rows = DaskRowPass(blocks)
    rows.persisted = chunk_blocks.persisted  # keeps the chunks alive
    return rows
