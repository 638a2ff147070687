"""django-tenants' PostgreSQL backend, without a `SET search_path` per request to the same collectivité.

django-tenants forgets the search path at every `set_tenant` (the tenant middleware calls it twice per
request: public, then the collectivité), so each request sends `SET search_path` again before its first
query, even on a persistent connection that already holds that very path. This backend remembers the
path the connection holds and skips the statement when it is the one wanted. It forgets it whenever the
path may have changed under it: a new connection, a close, a rollback (a `SET` is undone with the
transaction that issued it). Code that sets the path itself does it with `SET LOCAL` (portal.cloning),
which ends with its transaction.
"""

from django_tenants.postgresql_backend import base
from django_tenants.utils import get_limit_set_calls


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        self.search_path_held = None
        super().__init__(*args, **kwargs)

    def _handle_search_path(self, cursor=None):
        wanted = self._get_cursor_search_paths() if self.schema_name else None
        if get_limit_set_calls() and wanted is not None and wanted == self.search_path_held:
            self.search_path_set_schemas = wanted
            return
        super()._handle_search_path(cursor)
        self.search_path_held = self.search_path_set_schemas

    def connect(self):
        self.search_path_held = None
        super().connect()

    def close(self):
        self.search_path_held = None
        super().close()

    def rollback(self):
        self.search_path_held = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self.search_path_held = None
