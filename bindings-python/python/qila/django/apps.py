"""The ``qila.django`` app: system checks, the ``qila`` command and the database guard."""

from __future__ import annotations


from django.apps import AppConfig


class QilaConfig(AppConfig):
    name = "qila.django"
    label = "qila"
    verbose_name = "Qila lockdown"

    def ready(self) -> None:
        from django.core.signals import setting_changed
        from django.db.backends.signals import connection_created

        from . import _reset, checks, db

        checks.register()
        setting_changed.connect(_reset, dispatch_uid="qila_reset")
        connection_created.connect(db.on_connection_created, dispatch_uid="qila_connection_created")
        db.replace_last_login_receiver()
        # Connections opened before the app was ready (rare) get the guard now.
        from django.db import connections

        for conn in connections.all(initialized_only=True):
            if conn.connection is not None:
                db.on_connection_created(connection=conn)

    def __repr__(self) -> str:
        return f"<QilaConfig {self.name}>"


