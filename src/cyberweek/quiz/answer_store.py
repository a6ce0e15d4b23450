"""Saving answers in one database statement: the hot path of the contest.

When the whole country opens the contest, answers are most of the traffic. The checked
path (`services.save_answer`) takes a transaction, a locking read and an upsert. On
PostgreSQL the same rules are one statement, run in autocommit, that needs nothing but
the requests, and takes several answers at once: those that reach a web process together
are stored by one statement and one commit (`group_commit`).

    WITH slot AS (
        SELECT … FROM jsonb_to_recordset(the answers) t ORDER BY attempt
        CROSS JOIN LATERAL (
            SELECT … FROM quiz_attempt a JOIN quiz_paperitem i … JOIN quiz_question q …
            WHERE a.id = t.attempt AND a.user_id = t.user AND a.status = 'open'
              AND a.deadline_at >= t.not_after AND i.option_order @> t.chosen
              AND (q.kind = 'multiple' OR one choice)
            FOR NO KEY UPDATE OF a)),
    stored AS (INSERT INTO quiz_answer … SELECT … FROM slot
               ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = …, answered_at = …
               RETURNING …)
    SELECT each stored answer's number in the batch, question and version

The paper item at each position gives the question and version, and the statement itself
checks each choice against the options as asked and the question's kind. So any web
process can save any answer without first reading the paper: behind a load balancer a
participant's answers reach many processes.

How it is planned matters. The answers come as one JSON array, whose row count the planner
cannot know; each answer's lookups are a LATERAL subquery on its own attempt id and
position, so they are index lookups whatever the statistics say (a join over the whole
batch was planned as a scan of every paper item while the tables were young). The plan
is then the same for every batch, and PostgreSQL keeps the generic one: the statement is
prepared on each connection the first time it runs and never planned again. (Behind
PgBouncer in transaction mode that needs PgBouncer 1.21 or later with
`max_prepared_statements` set.)

The attempt rows are locked as in the checked path, in the order of their ids, so two
batches never wait for each other in a circle. A submission in progress either commits
first (and the answer finds the attempt submitted: no row, refused) or waits for the
answer to commit (and scores it). A row returned means the answer is stored. When none
comes back for an answer, the caller takes the checked path, which says why (submitted,
too late, not yours, not an option).
"""

import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

import psycopg
from django.db import connection

from .group_commit import GroupCommit
from .models import Question

_SQL = f"""
    WITH slot AS (
        SELECT t.n, s.attempt_id, s.question_id, s.version_id, t.chosen, t.answered_at
        FROM (
            SELECT * FROM jsonb_to_recordset(%s::jsonb) AS r(
                n int, attempt_id bigint, user_id bigint, position int, chosen jsonb,
                answered_at timestamptz, not_after timestamptz
            )
            ORDER BY attempt_id OFFSET 0
        ) t
        CROSS JOIN LATERAL (
            SELECT a.id AS attempt_id, i.question_id, i.version_id
            FROM quiz_attempt a
            JOIN quiz_paperitem i ON i.attempt_id = a.id AND i.position = t.position
            JOIN quiz_question q ON q.id = i.question_id
            WHERE a.id = t.attempt_id AND a.user_id = t.user_id AND a.status = 'open'
              AND a.deadline_at >= t.not_after AND i.option_order @> t.chosen
              AND (q.kind = '{Question.Kind.MULTIPLE.value}' OR jsonb_array_length(t.chosen) = 1)
            FOR NO KEY UPDATE OF a
        ) s
    ), stored AS (
        INSERT INTO quiz_answer (attempt_id, question_id, version_id, chosen, answered_at)
        SELECT attempt_id, question_id, version_id, chosen, answered_at FROM slot
        ON CONFLICT (attempt_id, question_id)
        DO UPDATE SET chosen = excluded.chosen, answered_at = excluded.answered_at
        RETURNING attempt_id, question_id
    )
    SELECT slot.n, slot.question_id, slot.version_id
    FROM stored JOIN slot USING (attempt_id, question_id)
"""  # noqa: S608 - only a constant of the model is formatted in, never input


@dataclass(frozen=True, slots=True)
class PendingAnswer:
    attempt_id: int
    user_id: int
    position: int
    chosen: list[str]  # sorted, without repeats
    now: datetime
    not_after: datetime  # now minus the grace: the attempt's deadline must not be before it


def available() -> bool:
    """The one-statement path needs PostgreSQL (row locks, jsonb containment). Elsewhere
    (the embedded SQLite default, one writer at a time) every answer takes the checked
    path."""
    return connection.vendor == "postgresql"


def upsert_if_open(answer: PendingAnswer) -> tuple[int, int] | None:
    """Store the answer if the attempt is the user's, open, has a question at this
    position whose options include every chosen key (one key unless it is multiple
    choice), and `not_after` is not past its deadline. The stored (question id, version
    id), or None."""
    if connection.in_atomic_block:
        # Inside a transaction the answer must be part of it: stored alone, here.
        (stored,) = upsert_many([answer])
        return stored
    return _group.store((answer.attempt_id, answer.position), answer)


def upsert_many(answers) -> list[tuple[int, int] | None]:
    """`upsert_if_open` for several answers in one statement, on this thread's connection;
    one result per answer, in order."""
    params = [
        json.dumps(
            [
                {
                    "n": n,
                    "attempt_id": a.attempt_id,
                    "user_id": a.user_id,
                    "position": a.position,
                    "chosen": a.chosen,
                    "answered_at": a.now.isoformat(),
                    "not_after": a.not_after.isoformat(),
                }
                for n, a in enumerate(answers)
            ]
        )
    ]
    results: list[tuple[int, int] | None] = [None] * len(answers)
    with connection.cursor() as cursor:
        # Through Django's wrappers and query log (so tools that count queries still see
        # it), but executed by `_execute_prepared` below.
        logged = cursor.debug_sql(_SQL, params) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged:
            prepared = cursor._execute_with_wrappers(
                _SQL, params, many=False, executor=_execute_prepared
            )
        for n, question_id, version_id in prepared.fetchall():
            results[n] = (question_id, version_id)
    return results


_group = GroupCommit(upsert_many)


def _execute_prepared(sql, params, many, context):
    """Prepared once per connection: PostgreSQL then skips parsing and planning the
    statement on every answer. Preparing needs server-side binding, which Django's own
    cursors do not use, so this one runs on psycopg's plain cursor."""
    with context["connection"].wrap_database_errors:
        prepared = psycopg.Cursor(context["cursor"].connection)
        prepared.execute(sql, params, prepare=True)
        return prepared
