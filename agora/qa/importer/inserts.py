"""Multi-row INSERTs from plain dicts, for the importer's hot path.

`QuerySet.bulk_create` builds a model instance per row and prepares every field of every row
through the ORM: for a post with its question, answer and import record that was most of the
import's time. Here the column list and each column's adapter are worked out once per call and
the rows go straight into `INSERT ... VALUES (...), (...) RETURNING id` (SQLite >= 3.35 and
PostgreSQL both return the ids in the order of the VALUES, which bulk_create relies on too).
Fields a row leaves out get their model default, as with the ORM; no signals are sent.
"""

from django.db import connection
from django.db.models import DateField, DateTimeField, JSONField
from django.utils import timezone

# SQLite allows 32,766 parameters per statement; stay well below on every backend.
MAX_PARAMS = 20_000
MAX_ROWS = 500


def _column_plan(model, given: set[str]):
    """[(attname, column, default factory or None, adapter or None)] for the concrete fields."""
    plan = []
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key and field.attname not in given:
            continue  # the database numbers it
        default = None
        if field.attname not in given:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                default = now
            elif field.has_default():
                default = field.get_default()
            elif not field.null:
                default = "" if field.empty_strings_allowed else None
        adapter = None
        if isinstance(field, DateTimeField):
            adapter = connection.ops.adapt_datetimefield_value
        elif isinstance(field, DateField):
            adapter = connection.ops.adapt_datefield_value
        elif isinstance(field, JSONField):

            def adapter(value, field=field):
                return field.get_db_prep_save(value, connection)

        plan.append((field.attname, field.column, default, adapter))
    return plan


def insert(model, rows: list[dict], returning: bool = True) -> list[int]:
    """Insert `rows` (attname -> value) into `model`'s table; the new ids, in order, when
    `returning`."""
    if not rows:
        return []
    plan = _column_plan(model, set(rows[0]))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for _a, column, _d, _ad in plan)
    pk_column = quote(model._meta.pk.column)
    table = quote(model._meta.db_table)
    per_row = max(1, len(plan))
    step = max(1, min(MAX_ROWS, MAX_PARAMS // per_row))
    placeholder = "(" + ", ".join(["%s"] * len(plan)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            params = []
            for row in chunk:
                for attname, _column, default, adapter in plan:
                    value = row.get(attname, default)
                    params.append(
                        adapter(value) if adapter is not None and value is not None else value
                    )
            # Table and column names come from the model, quoted; values are parameters.
            values = ", ".join([placeholder] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values}"  # noqa: S608
            if returning:
                cursor.execute(sql + f" RETURNING {pk_column}", params)
                ids.extend(row[0] for row in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def update(model, fields: list[str], rows: list[tuple]) -> None:
    """Set `fields` (attnames) on many rows: each row is (pk, value, value...). One prepared
    UPDATE run for every row (executemany), without the CASE expression bulk_update builds."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    adapters = []
    assignments = []
    for attname in fields:
        field = next(f for f in meta.concrete_fields if f.attname == attname)
        assignments.append(f"{quote(field.column)} = %s")
        if isinstance(field, DateTimeField):
            adapters.append(connection.ops.adapt_datetimefield_value)
        else:
            adapters.append(None)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} "  # noqa: S608
        f"WHERE {quote(meta.pk.column)} = %s"
    )
    params = [
        [
            adapter(value) if adapter is not None and value is not None else value
            for adapter, value in zip(adapters, row[1:], strict=True)
        ]
        + [row[0]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
