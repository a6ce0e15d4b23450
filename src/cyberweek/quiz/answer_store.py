"""Saving an answer in one database statement: the hot path of the contest.

When the whole country opens the contest, answers are most of the traffic. The checked
path (`services.save_answer`) takes a transaction, a locking read and an upsert: four
round trips and three compiled ORM queries. Here the same rules are one statement, run in
autocommit:

    WITH open_attempt AS (
        SELECT a.id FROM quiz_attempt a JOIN quiz_paperitem i ON … (this question, here)
        WHERE a.id = %s AND a.user_id = %s AND a.status = 'open' AND a.deadline_at >= %s
        FOR NO KEY UPDATE OF a)
    INSERT INTO quiz_answer (…) SELECT id, … FROM open_attempt
    ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = …, answered_at = …
    RETURNING attempt_id

On PostgreSQL the statement is prepared on each connection the first time it runs.
Behind PgBouncer in transaction mode, that needs PgBouncer 1.21 or later with
`max_prepared_statements` set.

The attempt row is locked as in the checked path, so a submission in progress either
commits first (and the answer finds the attempt submitted: no row, refused) or waits for
the answer to commit (and scores it). A row returned means the answer is stored. When no
row comes back, the caller takes the checked path, which says why (submitted, too late,
not yours). SQLite has no row locks and needs none: it runs one writer at a time.

What the statement needs to know about the paper (question, version, option keys, kind)
never changes once the paper is drawn, so each process keeps the papers it has seen.
"""

import json
import threading
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass

import psycopg
from django.db import connection

from .models import PaperItem

PAPERS_KEPT = 20_000


@dataclass(frozen=True)
class Slot:
    question_id: int
    version_id: int
    option_order: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Paper:
    user_id: int | None
    slots: dict[int, Slot]


_papers: OrderedDict[int, Paper] = OrderedDict()
_lock = threading.Lock()


def paper_of(attempt_id: int) -> Paper | None:
    """The attempt's questions by position (cached per process), or None if there is no
    such attempt."""
    with _lock:
        paper = _papers.get(attempt_id)
        if paper is not None:
            _papers.move_to_end(attempt_id)
            return paper
    rows = list(
        PaperItem.objects.filter(attempt_id=attempt_id).values_list(
            "position",
            "question_id",
            "version_id",
            "option_order",
            "question__kind",
            "attempt__user_id",
        )
    )
    if not rows:
        return None
    paper = Paper(
        user_id=rows[0][5],
        slots={r[0]: Slot(r[1], r[2], tuple(r[3]), r[4]) for r in rows},
    )
    with _lock:
        _papers[attempt_id] = paper
        while len(_papers) > PAPERS_KEPT:
            _papers.popitem(last=False)
    return paper


def forget(attempt_id: int) -> None:
    with _lock:
        _papers.pop(attempt_id, None)


def upsert_if_open(
    *, attempt_id: int, user_id: int, position: int, slot: Slot, chosen: list[str], now, not_after
) -> bool:
    """Store the answer if the attempt is the user's, open, has this question at this
    position (so a stale cache can never misplace an answer), and `not_after` (now minus
    the grace) is not past its deadline. True when the answer is stored."""
    ops = connection.ops
    lock = " FOR NO KEY UPDATE OF a" if connection.vendor == "postgresql" else ""
    chosen_param = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    sql = f"""
        WITH open_attempt AS (
            SELECT a.id FROM quiz_attempt a
            JOIN quiz_paperitem i
              ON i.attempt_id = a.id AND i.position = %s AND i.question_id = %s
             AND i.version_id = %s
            WHERE a.id = %s AND a.user_id = %s AND a.status = 'open'
              AND a.deadline_at >= %s{lock}
        )
        INSERT INTO quiz_answer (attempt_id, question_id, version_id, chosen, answered_at)
        SELECT id, %s, %s, {chosen_param}, %s FROM open_attempt WHERE true
        ON CONFLICT (attempt_id, question_id)
        DO UPDATE SET chosen = excluded.chosen, answered_at = excluded.answered_at
        RETURNING attempt_id
    """  # noqa: S608 - only the lock clause and a cast are formatted in, never input
    params = [
        position,
        slot.question_id,
        slot.version_id,
        attempt_id,
        user_id,
        ops.adapt_datetimefield_value(not_after),
        slot.question_id,
        slot.version_id,
        json.dumps(chosen),
        ops.adapt_datetimefield_value(now),
    ]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return cursor.fetchone() is not None
        # Through Django's wrappers and query log (so tools that count queries still see
        # it), but executed by `_execute_prepared` below.
        logged = cursor.debug_sql(sql, params) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged:
            prepared = cursor._execute_with_wrappers(
                sql, params, many=False, executor=_execute_prepared
            )
        return prepared.fetchone() is not None


def _execute_prepared(sql, params, many, context):
    """Prepared once per connection: PostgreSQL then skips parsing and planning the
    statement on every answer. Preparing needs server-side binding, which Django's own
    cursors do not use, so this one runs on psycopg's plain cursor."""
    with context["connection"].wrap_database_errors:
        prepared = psycopg.Cursor(context["cursor"].connection)
        prepared.execute(sql, params, prepare=True)
        return prepared
