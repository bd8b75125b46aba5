"""Inserting many rows fast: intake builds the model instances, this writes them with one
prepared statement run over all rows (`executemany`), handing each value to the driver the
way Django would, but without the ORM's per-value work that made bulk_create the slowest
step of a 100,000-order import (on SQLite bulk_create also stops at 999 parameters a
statement, about twenty orders)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models

Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field[Any, Any]) -> Converter | None:
    """How Django would hand this field's value to the database driver; None when the
    driver takes the value as it is."""
    if isinstance(field, models.DateTimeField):
        # An export's orders share many times (the import's own, each minute's orders).
        return functools.lru_cache(maxsize=4096)(connection.ops.adapt_datetimefield_value)
    if isinstance(
        field,
        models.DecimalField
        | models.CharField
        | models.TextField
        | models.IntegerField
        | models.BooleanField
        | models.ForeignKey,
    ):
        return None
    return functools.partial(_prepared, field)


def _prepared(field: models.Field[Any, Any], value: Any) -> Any:
    return field.get_db_prep_save(value, connection)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not getattr(field, "generated", False)
    ]


def _statement(model: type[models.Model], columns: list[models.Field[Any, Any]]) -> str:
    quote = connection.ops.quote_name
    return "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(str(field.column)) for field in columns),
        ", ".join(["%s"] * len(columns)),
    )


def _is_stamped(field: models.Field[Any, Any]) -> bool:
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def _write(
    model: type[models.Model],
    columns: list[models.Field[Any, Any]],
    rows: Iterable[list[Any]],
    now: datetime,
) -> None:
    """Convert the values that need it, stamp auto_now fields, and INSERT all rows."""
    converters = [
        (position, convert)
        for position, field in enumerate(columns)
        if (convert := _converter(field)) is not None and not _is_stamped(field)
    ]
    stamped = [position for position, field in enumerate(columns) if _is_stamped(field)]
    stamp = _converter(models.DateTimeField())
    now_value = stamp(now) if stamp else now
    prepared = []
    for row in rows:
        for position, convert in converters:
            row[position] = convert(row[position])
        for position in stamped:
            row[position] = now_value
        prepared.append(row)
    with connection.cursor() as cursor:
        cursor.executemany(_statement(model, columns), prepared)


def insert(model: type[models.Model], objects: Sequence[models.Model], now: datetime) -> None:
    """INSERT every object's row (primary keys are not set on the objects: look them up by
    their natural key). auto_now and auto_now_add fields get `now`."""
    if not objects:
        return
    columns = _columns(model)
    values = operator.attrgetter(*(field.attname for field in columns))
    _write(model, columns, (list(values(instance)) for instance in objects), now)


def insert_values(
    model: type[models.Model], values: Sequence[Mapping[str, Any]], now: datetime
) -> None:
    """INSERT rows given as {attname: value}; fields left out get their default, auto_now
    and auto_now_add fields `now`. For rows nobody needs as objects (audit entries)."""
    if not values:
        return
    columns = _columns(model)
    defaults = [(field.attname, field.get_default()) for field in columns]
    _write(
        model,
        columns,
        ([row.get(name, default) for name, default in defaults] for row in values),
        now,
    )
