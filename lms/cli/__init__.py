"""Command-line interface: `flask --app app <group> <command>`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from lms.certification.cli import certs
    from lms.cli.audit import audit
    from lms.cli.common import guard_database
    from lms.cli.content import content
    from lms.cli.demo import demo
    from lms.cli.mail import mail
    from lms.cli.quiz import quiz
    from lms.cli.users import users
    from sandbox.console.ca_cli import ca_cli
    from sandbox.console.cards_cli import cards

    for group in (users, demo, mail, audit, quiz, content, certs, ca_cli, cards):
        # Every command, so a new one cannot forget it; commands without a database never trip it.
        guard_database(group)
        app.cli.add_command(group)
