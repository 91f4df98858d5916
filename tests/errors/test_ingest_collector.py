"""The collector is off while a poll counts, and back as it was after, whatever happens."""

import gc

import pytest

from errors.ingest import collector


def test_the_collector_is_paused_inside_polls_and_restored_after() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
        raise RuntimeError("a failed poll")
    assert gc.isenabled()
