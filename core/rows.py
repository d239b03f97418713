"""One row as a model instance, read without building a QuerySet: for the few reads every live request makes.

Django's QuerySet builds and compiles its SQL on every call. For a one-row read of a model with thirty
fields and a `select_related` that costs 0.3–0.5 ms of CPU, five times the work of running the statement
and building the instance (docs/PERFORMANCE.md, session 9). `Manager.raw` skips the building: the
instance is still made by Django, with each field's database converters applied (dates, UUIDs, JSON on
SQLite as on PostgreSQL), and a column the model does not have becomes an attribute of the instance.

Used where a request pays it on the live path: the signed-in member (access.rules), a meeting with its cell
(access.objects) and the live update's meeting (meetings.live.update_state). Elsewhere the ORM is clearer.
"""

from django.db import connections, models


def first(
    model: type[models.Model],
    where: str,
    params=(),
    *,
    related: str | None = None,
    columns: str = "",
    joins: str = "",
):
    """The first row (by id) of `model`'s table, alias `t`, matching `where` (SQL, `%s` placeholders), or
    None. `related`: a foreign key whose object is read in the same statement (a LEFT JOIN, alias `r`) and
    cached on the instance, as `select_related` would. `columns`: more columns, which become attributes of
    the instance; `joins`: what they need (`CROSS JOIN (SELECT ...) c`). `params` go in the order their
    placeholders stand: columns, joins, where."""
    fk = model._meta.get_field(related) if related else None
    if fk is not None:
        fields = fk.related_model._meta.concrete_fields
        own = ", ".join(f'r."{f.column}" AS "r__{f.column}"' for f in fields)
        columns = f"{own}, {columns}" if columns else own
        on = f'r."{fk.target_field.column}" = t."{fk.column}"'
        joins = f"LEFT JOIN {fk.related_model._meta.db_table} r ON {on} {joins}"
    extra = f", {columns}" if columns else ""
    sql = f"SELECT t.*{extra} FROM {model._meta.db_table} t {joins} WHERE {where} ORDER BY t.id LIMIT 1"
    instance = next(iter(model._default_manager.raw(sql, params)), None)
    if instance is not None and fk is not None:
        _attach(instance, fk)
    return instance


def _attach(instance: models.Model, fk) -> None:
    """Builds the joined object from its `r__` columns, through the converters the ORM would apply to them
    (`Manager.raw` converts the model's own columns only), and caches it on the instance."""
    other = fk.related_model
    fields = other._meta.concrete_fields
    raw = [instance.__dict__.pop(f"r__{f.column}") for f in fields]
    if getattr(instance, fk.attname) is None:
        return
    db = instance._state.db
    connection = connections[db]
    values = []
    for f, value in zip(fields, raw, strict=True):
        col = f.get_col(other._meta.db_table)
        for convert in connection.ops.get_db_converters(col) + col.get_db_converters(connection):
            value = convert(value, col, connection)
        values.append(value)
    fk.set_cached_value(instance, other.from_db(db, [f.attname for f in fields], values))


def load_related(instance: models.Model, field: str) -> models.Model | None:
    """Reads the object a foreign key points to and caches it on `instance`, as `select_related` would
    (one more statement, but no QuerySet to build); None, and nothing cached, when the key is empty."""
    fk = getattr(type(instance), field).field
    pk = getattr(instance, fk.attname)
    if pk is None:
        return None
    related = first(fk.related_model, f't."{fk.target_field.column}" = %s', [pk])
    if related is not None:
        fk.set_cached_value(instance, related)
    return related
