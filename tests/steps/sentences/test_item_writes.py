"""A step's items written each on its own: answers in the items' order whatever order they arrive in, a repeated
key sent after its first write, concurrent only where asked, and nothing more sent once a write raised."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from dynamo_contracts.steps.sentences.item_writes import NOT_SENT, put_each, waves


def test_a_repeated_key_goes_in_the_round_after_its_first_write() -> None:
    assert waves(["a", "b", "a", "c", "a", "b"]) == [[0, 1, 3], [2, 5], [4]]
    assert waves([]) == []


def test_answers_come_back_in_the_items_order_whatever_order_they_arrive_in() -> None:
    items = [{"n": n} for n in range(6)]
    held = threading.Barrier(6, timeout=10)  # every write in flight at once: they all answer together

    def put(item: Mapping[str, Any]) -> str | None:
        held.wait()
        return f"refused {item['n']}" if item["n"] % 2 else None

    writes = put_each(put, items, [n for n in range(6)], concurrent=True)
    assert [a.refused for a in writes.answers] == [None, "refused 1", None, "refused 3", None, "refused 5"]
    assert [a.maybe_written for a in writes.answers] == [True, False, True, False, True, False]
    assert writes.stopped_by is None


def test_a_repeated_key_is_sent_only_once_its_first_write_answered() -> None:
    done: list[int] = []

    def put(item: Mapping[str, Any]) -> str | None:
        done.append(item["n"])
        return "ConditionalCheckFailedException" if item["n"] == 2 else None

    writes = put_each(put, [{"n": 0}, {"n": 1}, {"n": 2}], ["k", "other", "k"], concurrent=True)
    assert done.index(2) > done.index(0)
    assert [a.refused for a in writes.answers] == [None, None, "ConditionalCheckFailedException"]


def test_in_sequence_every_write_is_made_by_the_caller_and_nothing_follows_an_interrupted_one() -> None:
    threads: list[str] = []

    def put(item: Mapping[str, Any]) -> str | None:
        threads.append(threading.current_thread().name)
        if item["n"] == 1:
            raise KeyboardInterrupt
        return None

    writes = put_each(put, [{"n": n} for n in range(3)], [0, 1, 2], concurrent=False)
    assert threads == [threading.current_thread().name] * 2
    assert isinstance(writes.stopped_by, KeyboardInterrupt)
    assert writes.answers[0].maybe_written
    assert writes.answers[1].maybe_written
    assert writes.answers[2] == NOT_SENT


def test_a_write_that_raised_stops_the_rounds_after_it_once_its_own_round_answered() -> None:
    def put(item: Mapping[str, Any]) -> str | None:
        if item["n"] == 0:
            raise KeyboardInterrupt
        return None

    writes = put_each(put, [{"n": 0}, {"n": 1}, {"n": 2}], ["k", "other", "k"], concurrent=True)
    assert isinstance(writes.stopped_by, KeyboardInterrupt)
    assert writes.answers[1].maybe_written
    assert writes.answers[1].error is None
    assert writes.answers[2] == NOT_SENT  # the repeat, in the next round: never sent
