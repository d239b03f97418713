"""The database router of a deployment with a read replica (`DATABASE_REPLICA_URL`, core/replica.py)."""

from core import replica


class ReplicaRouter:
    """Reads inside a `@replica_reads` view go to the replica; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return replica.ALIAS if replica.reads_from_replica() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica follows the primary's schema by replication
