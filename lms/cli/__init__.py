"""Command-line interface: `flask --app app <group> <command>`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from lms.cli.demo import demo
    from lms.cli.mail import mail
    from lms.cli.users import users

    for group in (users, demo, mail):
        app.cli.add_command(group)
