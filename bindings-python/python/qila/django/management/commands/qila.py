"""``manage.py qila``: the lockdown state; ``manage.py qila mode read-only|open|monitor``: switch.

Switching writes the new ``mode`` into the policy file; every process re-reads it within a
second, so the whole site switches without a restart.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qila import Policy, PolicyError

MODES = ("read-only", "open", "monitor")
_MODE_LINE = re.compile(r'(?m)^mode\s*=\s*"[^"\n]*"[^\n]*$')


def set_mode_in_text(text: str, mode: str, as_json: bool) -> str:
    """The policy text with its top-level ``mode`` set."""
    if as_json:
        data = json.loads(text or "{}")
        data["mode"] = mode
        return json.dumps(data, indent=2) + "\n"
    table = re.search(r"(?m)^\s*\[", text)
    head, tail = (text[: table.start()], text[table.start():]) if table else (text, "")
    line = f'mode = "{mode}"'
    if _MODE_LINE.search(head):
        head = _MODE_LINE.sub(line, head, count=1)
    else:
        head = line + "\n" + head
    return head + tail


class Command(BaseCommand):
    help = "Show the lockdown state, or switch the mode in the policy file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action")
        sub.add_parser("status", help="the policy in force and its mode (the default)")
        mode = sub.add_parser("mode", help="write a new mode into the policy file")
        mode.add_argument("mode", choices=MODES)

    def handle(self, *args: Any, **options: Any) -> None:
        from qila.django import runtime

        try:
            rt = runtime()
        except PolicyError as e:
            raise CommandError(f"the policy cannot be used ({e.code}): {e}") from e
        if options.get("action") == "mode":
            self._switch(rt.policy, options["mode"])
            return
        policy = rt.policy
        self.stdout.write(f"policy: {policy.path or 'settings.QILA (not a file)'}")
        self.stdout.write(f"mode: {policy.mode}")
        env = os.environ.get("QILA_MODE")
        if env:
            self.stdout.write(f"QILA_MODE: {env} (overrides the file)")
        self.stdout.write(f"database writes refused: {'yes' if rt.database_read_only and rt.guard.wants_read_only() else 'no'}")

    def _switch(self, policy: Policy, mode: str) -> None:
        path = policy.path
        if path is None:
            raise CommandError("settings.QILA['POLICY'] is not a file: set the mode there, or with QILA_MODE")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = set_mode_in_text(text, mode, path.endswith(".json"))
        try:
            (Policy.from_dict(json.loads(new)) if path.endswith(".json") else Policy.from_toml(new))
        except PolicyError as e:
            raise CommandError(f"the policy would not load after the change: {e}") from e
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".qila-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
        os.chmod(tmp, os.stat(path).st_mode & 0o777)
        os.replace(tmp, path)
        self.stdout.write(self.style.SUCCESS(f"mode set to {mode} in {path}; running processes follow within a second"))
        if os.environ.get("QILA_MODE"):
            self.stdout.write(self.style.WARNING("QILA_MODE is set in this environment and overrides the file where it is set"))
