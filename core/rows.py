"""One row as a model instance, read without building a QuerySet: for the few reads every live request makes.

Django's QuerySet builds and compiles its SQL on every call. For a one-row read of a model with thirty
fields and a `select_related` that costs 0.3–0.5 ms of CPU, five times the work of running the statement
and building the instance (docs/PERFORMANCE.md, session 9). `Manager.raw` skips the building: the
instance is still made by Django, with each field's database converters applied (dates, UUIDs, JSON on
SQLite as on PostgreSQL), and a column the model does not have becomes an attribute of the instance.

Used where a request pays it on the live path: the signed-in member (access.rules), a meeting with its cell
(access.objects) and the live update's meeting (meetings.live.update_state). Elsewhere the ORM is clearer.
"""

from django.db import models


def first(
    model: type[models.Model], where: str, params=(), *, columns: str = "", joins: str = "", order="id"
):
    """The first row of `model`'s table (alias `t`) matching `where` (SQL, `%s` placeholders), or None.
    `columns`: more columns, which become attributes of the instance; `joins`: what they need after the table
    (`CROSS JOIN (SELECT ...) c`). `params` go in the order the placeholders stand: columns, joins, where."""
    extra = f", {columns}" if columns else ""
    sql = f"SELECT t.*{extra} FROM {model._meta.db_table} t {joins} WHERE {where} ORDER BY t.{order} LIMIT 1"
    return next(iter(model._default_manager.raw(sql, params)), None)


def load_related(instance: models.Model, field: str) -> models.Model | None:
    """Reads the object a foreign key points to and caches it on `instance`, as `select_related` would
    (one more statement, but no QuerySet to build); None, and nothing cached, when the key is empty."""
    descriptor = getattr(type(instance), field)
    fk = descriptor.field
    pk = getattr(instance, fk.attname)
    if pk is None:
        return None
    related = first(fk.related_model, f"t.{fk.target_field.column} = %s", [pk])
    if related is not None:
        fk.set_cached_value(instance, related)
    return related
