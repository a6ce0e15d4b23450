"""Saving an answer in one database statement: the hot path of the contest.

When the whole country opens the contest, answers are most of the traffic. The checked
path (`services.save_answer`) takes a transaction, a locking read and an upsert. On
PostgreSQL the same rules are one statement, run in autocommit, that needs nothing but
the request: the paper item at that position gives the question and version, and the
statement itself checks the choice against the options as asked and the question's kind.

    WITH slot AS (
        SELECT a.id, i.question_id, i.version_id FROM quiz_attempt a
        JOIN quiz_paperitem i ON … (this position) JOIN quiz_question q ON …
        WHERE a.id = %s AND a.user_id = %s AND a.status = 'open' AND a.deadline_at >= %s
          AND i.option_order @> chosen AND (q.kind = 'multiple' OR one choice)
        FOR NO KEY UPDATE OF a)
    INSERT INTO quiz_answer (…) SELECT … FROM slot
    ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = …, answered_at = …
    RETURNING question_id, version_id

So any web process can save any answer without first reading the paper: behind a load
balancer a participant's answers reach many processes. The statement is prepared on each
connection the first time it runs (behind PgBouncer in transaction mode, that needs
PgBouncer 1.21 or later with `max_prepared_statements` set).

The attempt row is locked as in the checked path, so a submission in progress either
commits first (and the answer finds the attempt submitted: no row, refused) or waits for
the answer to commit (and scores it). A row returned means the answer is stored. When no
row comes back, the caller takes the checked path, which says why (submitted, too late,
not yours, not an option).
"""

import json
from contextlib import nullcontext

import psycopg
from django.db import connection

from .models import Question

_SQL = f"""
    WITH slot AS (
        SELECT a.id, i.question_id, i.version_id FROM quiz_attempt a
        JOIN quiz_paperitem i ON i.attempt_id = a.id AND i.position = %s
        JOIN quiz_question q ON q.id = i.question_id
        WHERE a.id = %s AND a.user_id = %s AND a.status = 'open' AND a.deadline_at >= %s
          AND i.option_order @> %s::jsonb
          AND (q.kind = '{Question.Kind.MULTIPLE.value}' OR %s = 1)
        FOR NO KEY UPDATE OF a
    )
    INSERT INTO quiz_answer (attempt_id, question_id, version_id, chosen, answered_at)
    SELECT id, question_id, version_id, %s::jsonb, %s FROM slot
    ON CONFLICT (attempt_id, question_id)
    DO UPDATE SET chosen = excluded.chosen, answered_at = excluded.answered_at
    RETURNING question_id, version_id
"""  # noqa: S608 - only a constant of the model is formatted in, never input


def available() -> bool:
    """The one-statement path needs PostgreSQL (row locks, jsonb containment). Elsewhere
    (the embedded SQLite default, one writer at a time) every answer takes the checked
    path."""
    return connection.vendor == "postgresql"


def upsert_if_open(
    *, attempt_id: int, user_id: int, position: int, chosen: list[str], now, not_after
) -> tuple[int, int] | None:
    """Store the answer if the attempt is the user's, open, has a question at this
    position whose options include every chosen key (one key unless it is multiple
    choice), and `not_after` (now minus the grace) is not past its deadline. `chosen` is
    sorted and without repeats. The stored (question id, version id), or None."""
    chosen_json = json.dumps(chosen)
    params = [
        position,
        attempt_id,
        user_id,
        not_after,
        chosen_json,
        len(chosen),
        chosen_json,
        now,
    ]
    with connection.cursor() as cursor:
        # Through Django's wrappers and query log (so tools that count queries still see
        # it), but executed by `_execute_prepared` below.
        logged = cursor.debug_sql(_SQL, params) if hasattr(cursor, "debug_sql") else nullcontext()
        with logged:
            prepared = cursor._execute_with_wrappers(
                _SQL, params, many=False, executor=_execute_prepared
            )
        return prepared.fetchone()


def _execute_prepared(sql, params, many, context):
    """Prepared once per connection: PostgreSQL then skips parsing and planning the
    statement on every answer. Preparing needs server-side binding, which Django's own
    cursors do not use, so this one runs on psycopg's plain cursor."""
    with context["connection"].wrap_database_errors:
        prepared = psycopg.Cursor(context["cursor"].connection)
        prepared.execute(sql, params, prepare=True)
        return prepared
