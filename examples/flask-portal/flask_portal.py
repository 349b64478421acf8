"""The Flask example portal: `flask --app flask_portal run`. Database: SQLAlchemy, under the
Qila database guard (PORTAL_DATABASE_URL, default a SQLite file)."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from flask import Flask, jsonify, request, session

import qila
import qila.sql
from qila.flask import Qila

metadata = sa.MetaData()
services = sa.Table("services", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)))
messages = sa.Table("messages", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)), sa.Column("text", sa.Text))


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("PORTAL_SECRET_KEY", "example-only-not-secret"),
        QILA_POLICY=os.path.join(os.path.dirname(__file__), "qila.toml"),
        DATABASE_URL=os.environ.get("PORTAL_DATABASE_URL", "sqlite:///" + os.path.join(app.instance_path, "portal.sqlite3")),
    )
    app.config.update(config or {})
    Qila(app)
    engine = sa.create_engine(app.config["DATABASE_URL"])
    with qila.sql.allow_writes():
        os.makedirs(app.instance_path, exist_ok=True)
        metadata.create_all(engine)
    qila.sql.install_sqlalchemy(engine, Qila.policy(app))
    app.extensions["portal_db"] = engine

    @app.get("/")
    def home() -> str:
        return f"<h1>Citizen services</h1><p>Welcome, {session.get('user', 'guest')}.</p>"

    @app.get("/search")
    def search() -> Any:
        q = request.args.get("q", "")
        with engine.connect() as c:
            rows = c.execute(sa.select(services.c.name).where(services.c.name.contains(q)).limit(20)).scalars().all()
        return jsonify(q=q, results=list(rows))

    @app.route("/contact", methods=["GET", "POST"])
    def contact() -> Any:
        if request.method == "POST":
            with engine.begin() as c:
                c.execute(messages.insert().values(name=request.form.get("name", ""), text=request.form.get("message", "")))
            return "thank you", 201
        return "<form method=post><input name=name><textarea name=message></textarea></form>"

    @app.post("/login")
    def login() -> Any:
        session["user"] = request.form.get("username", "")
        return "signed in"

    @app.post("/upload")
    def upload() -> Any:
        f = request.files["document"]
        return f"stored {f.filename} ({len(f.read())} bytes)", 201

    @app.route("/echo", methods=["POST"])
    def echo() -> Any:
        return jsonify(length=len(request.get_data()), fields=request.form.to_dict())

    @app.get("/count")
    def count() -> Any:
        with engine.begin() as c:
            c.execute(messages.insert().values(name="visit", text=request.path))
        return "counted"

    @app.get("/admin/")
    def admin() -> str:
        return "admin area"

    return app
