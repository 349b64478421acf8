"""The FastAPI example portal: `uvicorn fastapi_portal:app`. Qila is an ASGI middleware; the
database (SQLAlchemy, PORTAL_DATABASE_URL, default a SQLite file) is under the Qila guard."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

import qila
import qila.sql
from qila.asgi import LockdownMiddleware

metadata = sa.MetaData()
services = sa.Table("services", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)))
messages = sa.Table("messages", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(200)), sa.Column("text", sa.Text))

HERE = os.path.dirname(os.path.abspath(__file__))


def create_app(policy: qila.Policy | None = None, database_url: str | None = None) -> FastAPI:
    policy = policy or qila.Policy.from_file(os.environ.get("PORTAL_QILA_POLICY", os.path.join(HERE, "qila.toml")))
    url = database_url or os.environ.get("PORTAL_DATABASE_URL", "sqlite:///" + os.path.join(HERE, "portal.sqlite3"))
    engine = sa.create_engine(url)
    with qila.sql.allow_writes():
        metadata.create_all(engine)
    qila.sql.install_sqlalchemy(engine, policy)

    app = FastAPI()
    app.add_middleware(LockdownMiddleware, policy=policy)
    app.state.engine = engine

    @app.get("/", response_class=HTMLResponse)
    def home() -> str:
        return "<h1>Citizen services</h1>"

    @app.get("/search")
    def search(q: str = "") -> Any:
        with engine.connect() as c:
            rows = c.execute(sa.select(services.c.name).where(services.c.name.contains(q)).limit(20)).scalars().all()
        return {"q": q, "results": list(rows)}

    @app.post("/contact")
    def contact(name: str = Form(""), message: str = Form("")) -> Any:
        with engine.begin() as c:
            c.execute(messages.insert().values(name=name, text=message))
        return PlainTextResponse("thank you", status_code=201)

    @app.post("/login")
    def login(username: str = Form(""), password: str = Form("")) -> Any:
        return PlainTextResponse("signed in")

    @app.post("/upload")
    async def upload(document: UploadFile = File(...)) -> Any:
        data = await document.read()
        return PlainTextResponse(f"stored {document.filename} ({len(data)} bytes)", status_code=201)

    @app.post("/echo")
    async def echo(request: Request) -> Any:
        body = await request.body()
        return JSONResponse({"length": len(body)})

    @app.get("/count")
    def count() -> Any:
        with engine.begin() as c:
            c.execute(messages.insert().values(name="visit", text="/count"))
        return PlainTextResponse("counted")

    @app.get("/admin/")
    def admin() -> Any:
        return PlainTextResponse("admin area")

    return app


app = create_app() if os.environ.get("PORTAL_AUTOSTART", "1") == "1" else None
