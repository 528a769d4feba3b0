"""A scenario's items written each with its own conditional PutItem, concurrently where the backend answers over
the network (DynamoDB Local, AWS), one after another in moto (in process: threads gain nothing there, and moto is
not documented as safe to call from several threads at once).

Concurrent or not, what a scenario sees is the same: each item's answer is its own, given back in the order of the
items (not the order the answers arrived). An item whose key repeats an earlier item's of the same step is sent
only once that earlier write has answered, so DynamoDB itself refuses the repeat, and always the later one. A
Ctrl-C (or a backend that stopped answering) sends nothing more, and is held until every write already sent has
answered: what each write did is then known, so the cleanup deletes exactly what may have been written, never an
item that was already there, and never before a write still on its way could land after it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

WORKERS = 8  # writes in flight at once: enough to keep DynamoDB Local's threads busy, few enough for any account


@dataclass(frozen=True)
class Written:
    """The answer to one item's write: `sent` False when it was never sent; `refused` why DynamoDB refused it
    (None: written); `error` what the write raised instead of answering (it may have been written)."""

    sent: bool = True
    refused: str | None = None
    error: BaseException | None = None

    @property
    def maybe_written(self) -> bool:
        return self.sent and self.refused is None


NOT_SENT = Written(sent=False)


@dataclass(frozen=True)
class Writes:
    """Every item's answer, in the items' order, and the first error that stopped the writes (raised by the caller)."""

    answers: list[Written]
    stopped_by: BaseException | None = None


def waves(keys: Sequence[Any]) -> list[list[int]]:
    """The items' positions in rounds: an item whose key repeats an earlier one's goes in the round after it."""
    seen: dict[str, int] = {}
    rounds: list[list[int]] = []
    for position, key in enumerate(keys):
        wave = seen[repr(key)] = seen.get(repr(key), -1) + 1
        if wave == len(rounds):
            rounds.append([])
        rounds[wave].append(position)
    return rounds


def put_each(put: Callable[[Mapping[str, Any]], str | None], items: Sequence[Mapping[str, Any]],
             keys: Sequence[Any], concurrent: bool) -> Writes:
    """Send `put(item)` for every item (`keys[i]` is item i's key); `put` answers None when written, else why not."""
    answers = [NOT_SENT] * len(items)
    if not concurrent:
        for position, item in enumerate(items):
            answers[position] = _answer(put, item)
            if answers[position].error is not None:
                return Writes(answers, answers[position].error)
        return Writes(answers)
    with ThreadPoolExecutor(max_workers=min(WORKERS, max(len(items), 1)), thread_name_prefix="contract-put") as pool:
        for wave in waves(keys):
            futures = {position: pool.submit(_answer, put, items[position]) for position in wave}
            interrupted = _wait_all(list(futures.values()))
            for position, future in futures.items():
                answers[position] = NOT_SENT if future.cancelled() else future.result()
            stopped = interrupted or next((a.error for a in answers if a.error is not None), None)
            if stopped is not None:
                return Writes(answers, stopped)
    return Writes(answers)


def _answer(put: Callable[[Mapping[str, Any]], str | None], item: Mapping[str, Any]) -> Written:
    try:
        return Written(refused=put(item))
    except BaseException as error:  # a Ctrl-C or a lost connection: said by the caller, in order
        return Written(error=error)


def _wait_all(futures: list[Future[Written]]) -> KeyboardInterrupt | None:
    """Wait until every write sent has answered; a Ctrl-C meanwhile cancels those not yet sent, and is given back."""
    interrupted: KeyboardInterrupt | None = None
    while True:
        try:
            wait(futures)
            return interrupted
        except KeyboardInterrupt as error:
            interrupted = error
            for future in futures:
                future.cancel()  # only those not started: a write on its way is waited for
