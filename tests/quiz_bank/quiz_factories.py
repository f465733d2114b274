"""Question factories shared by the quiz-bank tests (imported as a plain module)."""

from __future__ import annotations

from lms.quiz.bank.model import Question


def single(**overrides: object) -> Question:
    fields: dict[str, object] = {
        "id": "t-single",
        "version": 1,
        "type": "single",
        "category": "roller",
        "lesson": "p1-roller",
        "stem": "Vem ansvarar för personkontrollen?\n",
        "options": ("Ansvarig utgivare -> alltid", "Inera", "%-andel av användarna"),
        "correct": (0,),
        "explanation": "Ansvarig utgivare svarar för utgivningsområdet.\n",
    }
    fields.update(overrides)
    return Question(**fields)  # type: ignore[arg-type]


def every_type_questions() -> tuple[Question, ...]:
    """One question of each type, with the awkward texts GIFT has to escape."""
    return (
        single(
            name="Personkontroll: vem?",
            feedback=("Rätt {så}.", "Nej ~ Inera förvaltar.", ""),
        ),
        single(
            id="t-multiple",
            type="multiple",
            stem="Vilka får **inte** vara intygsgivare?\n\nVälj alla.\n",
            options=("Korthandläggare", "Chef", "RA-personal", "HR", "50% = hälften # inte"),
            correct=(0, 2),
            explanation=None,
        ),
        single(
            id="t-truefalse",
            type="truefalse",
            options=(),
            correct=(),
            answer=False,
            stem="Ett reservkort får lämnas ut utan ID-kontroll.",
        ),
        single(
            id="t-numeric",
            type="numeric",
            options=(),
            correct=(),
            answer=14,
            tolerance=0,
            stem="Hur många dagar gäller ett intyg? C:\\temp \\n är ingen radbrytning",
            lesson=None,
        ),
        single(
            id="t-numeric-float",
            version=3,
            type="numeric",
            options=(),
            correct=(),
            answer=2.5,
            tolerance=0.25,
            category="pin-och-puk",
        ),
        single(
            id="t-matching",
            type="matching",
            options=(),
            correct=(),
            pairs=(
                ("PIN", "Personlig kod -> kortet"),
                ("PUK", "Låser upp PIN"),
                ("Spärr", "Går ej att ångra"),
            ),
        ),
        single(
            id="t-ordering",
            type="ordering",
            options=(),
            correct=(),
            steps=("Kontrollera ID-handling", "Lämna ut kortet", "Dokumentera: kvittens"),
            name="Utlämning i rätt ordning",
        ),
    )
