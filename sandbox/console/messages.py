"""Sentences for the console: refused operations and exercise findings, by code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .forms import REASON_CHOICES

REFUSALS = {
    "reader_empty": _l("There is no card in that reader. Insert the card first."),
    "slot_empty": _l("There is no certificate in slot %(slot)s of that card. Nothing was removed."),
    "pin_format": _l("A PIN is 6 to 8 digits."),
    "puk_format": _l("A PUK is 8 digits."),
    "blocked": _l(
        "The card refused: the code is blocked. A blocked PIN is unblocked with the PUK; a "
        "blocked PUK cannot be unblocked, and the card must be replaced."
    ),
    "card_error": _l("The card refused the operation (status word %(sw)s). Nothing was changed."),
    "desk": _l("The card reader did not answer: %(detail)s"),
    "bad_reader": _l("Choose reader 1 or reader 2."),
    "no_such_card": _l("That card is not in the drawer of test cards."),
    "reader_occupied": _l("There is already a card in that reader. Take it out first."),
    "card_in_reader": _l("That card is already in a reader."),
    "name": _l("Enter the given name and the surname as on the order."),
    "person": _l("The order's details were not accepted: %(detail)s"),
    "ca": _l("The certificate authority refused: %(detail)s"),
    "card_number": _l("A card number has only digits."),
    "loa": _l("Choose assurance level 2 or 3."),
    "order_decided": _l("The order has already been signed or rejected; that is final."),
    "order_not_signed": _l("There is no signed order to fetch certificates for."),
    "no_order_for_card": _l(
        "There is no signed order for the card in reader 2. Is the user's reserve card in reader "
        "2, and is it the card the order names?"
    ),
    "reserve_code_blocked": _l(
        "The reserve card's code is blocked. The code from the envelope cannot be ordered again: "
        "at a real desk the user gets a new reserve card and the blocked one is deregistered. "
        "Start the exercise again to do it from the beginning."
    ),
    "order_fetched": _l(
        "The certificates of this order are already on the card. An order is fetched once."
    ),
    "loa3_needs_personnummer": _l(
        "The certificates cannot be fetched: assurance level 3 needs a Swedish personal identity "
        "number, and the user has a coordination number."
    ),
    "not_in_register": _l(
        "Card number %(card_number)s is not in the card register. Check the number against the "
        "person."
    ),
    "already_deregistered": _l("Card %(card_number)s is already deregistered."),
    "loa2_needs_reserve_card": _l(
        "Certificates at assurance level 2 go only on reserve cards (product code 473 or 573). "
        "The card in the reader is an ordinary card."
    ),
    "validity": _l(
        "The validity is longer than the rule allows for this kind of certificate: at most "
        "%(maximum)s days."
    ),
    "nothing_to_revoke": _l(
        "No valid certificates carry card number %(card_number)s. Check the number: nothing was "
        "revoked."
    ),
}

FINDINGS = {
    "own_card_untouched": _l("Your own card was not touched."),
    "own_card_touched": _l(
        "Your own card in reader 1 was used: its PIN was changed or attempts were used up. Check "
        "the card number before every PIN operation. Start the exercise again to do it from the "
        "beginning."
    ),
    "answer_card_number": _l("The card number of the customer's card"),
    "answer_pin_retries": _l("The PIN attempts left on the customer's card"),
    "answer_hsa_id": _l("The HSA-id in the authentication certificate"),
    "customer_attempts_kept": _l("Reading the card used up none of the customer's PIN attempts."),
    "customer_attempts_used": _l(
        "The customer's card lost PIN attempts while you read it. Reading retries and "
        "certificates needs no PIN."
    ),
    "customer_pin_changed": _l("The customer's card has the PIN the customer chose."),
    "customer_pin_not_changed": _l("The customer's card does not have the PIN the customer chose."),
    "customer_unblocked": _l("The customer's PIN is unblocked and is the one the customer chose."),
    "customer_still_blocked": _l(
        "The customer's PIN is still blocked, or is not the one the customer chose."
    ),
    "new_auth_on_card": _l("The card has a new authentication certificate."),
    "no_new_auth": _l("The card has no new authentication certificate."),
    "new_sign_on_card": _l("The card has a new signature certificate."),
    "no_new_sign": _l("The card has no new signature certificate."),
    "auth_matches_order": _l(
        "The authentication certificate is valid, at the assurance level of the order, for the "
        "HSA-id on the order and this card's number."
    ),
    "auth_wrong": _l(
        "The authentication certificate does not match the order (name, HSA-id, card number or "
        "assurance level), or has been revoked."
    ),
    "sign_matches_order": _l(
        "The signature certificate is valid, at the assurance level of the order, for the HSA-id "
        "on the order and this card's number."
    ),
    "validity_ok": _l("The validity is no longer than the assignment."),
    "validity_too_long": _l(
        "The certificates are valid for longer than the assignment (%(days)s days). Validity must "
        "never be longer than the person's assignment."
    ),
    "sign_wrong": _l(
        "The signature certificate does not match the order (name, HSA-id, card number or "
        "assurance level), or has been revoked."
    ),
    "auth_key_on_card": _l("The authentication certificate is for the key on the card."),
    "auth_key_mismatch": _l("The authentication certificate is not for the key on the card."),
    "sign_key_on_card": _l("The signature certificate is for the key on the card."),
    "sign_key_mismatch": _l("The signature certificate is not for the key on the card."),
    "lost_card_revoked": _l("Every certificate of the lost card is revoked."),
    "lost_card_not_revoked": _l("The lost card still has certificates that are not revoked."),
    "reason_right": _l("The reason fits a lost card: the key may be in someone else's hands."),
    "reason_wrong": _l(
        "The reason does not fit a lost card. Whoever finds the card holds the keys: choose the "
        "reason for a key that may be in someone else's hands. A revocation cannot be changed: "
        "start the exercise again to do it from the beginning."
    ),
    "others_intact": _l("No one else's certificates were revoked."),
    "others_revoked": _l(
        "Another person's certificates were revoked. Check the card number and the person "
        "before you revoke: a revocation cannot be undone. Start the exercise again to do it "
        "from the beginning."
    ),
    "expired_removed": _l("The expired certificates are off the card."),
    "expired_left": _l("An expired certificate is still on the card."),
    "valid_kept": _l("The valid pair is still on the card."),
    "valid_removed": _l(
        "A valid certificate was removed from the card. The user needs it to log in and sign; "
        "at a real desk the card would now need new certificates. Start the exercise again to do "
        "it from the beginning."
    ),
    "valid_not_revoked": _l(
        "Nothing valid was revoked: removing a certificate is not revoking it."
    ),
    "valid_revoked": _l(
        "A valid certificate of the card was revoked. Clean-up removes expired certificates; it "
        "does not revoke the valid ones. Start the exercise again to do it from the beginning."
    ),
    "card_activated": _l("The customer's new card has the PIN the customer chose."),
    "card_not_activated": _l(
        "The customer's new card still has the delivery code, or another PIN than the one the "
        "customer chose."
    ),
    "other_card_untouched": _l("The other new card in the drawer was not touched."),
    "other_card_touched": _l(
        "The other new card was used: it is another person's card. Check the name and card "
        "number against the order before you hand out a card."
    ),
    "returned_card_deregistered": _l(
        "The returned card is deregistered and its certificates are revoked."
    ),
    "returned_card_in_use": _l("The returned card is still in use in the register or the CA."),
    "leavers_deregistered": _l("The cards of the people who have left are deregistered."),
    "leavers_in_use": _l("A card of someone who has left is still in use."),
    "mover_kept": _l("The person who moved within the region keeps the card."),
    "mover_deregistered": _l(
        "The card of the person who moved to another unit in the region was deregistered. Under "
        "the local routine that person keeps the card: read the notes in the report."
    ),
    "old_card_deregistered": _l("The old card is deregistered and its certificates revoked."),
    "old_card_in_use": _l("The old card is still in use: two valid cards are in circulation."),
    "new_card_in_use": _l("The new card is in use."),
    "new_card_deregistered": _l("The new card was deregistered by mistake."),
    "order_undecided": _l("The order has neither been signed nor rejected."),
    "order_signed": _l("You signed a correct order."),
    "good_order_rejected": _l(
        "The order was right, but you rejected it: the card number, organisation, validity and "
        "the person all matched."
    ),
    "bad_order_rejected": _l("You rejected an order that was wrong."),
    "bad_order_signed_wrong_card": _l(
        "You signed an order for another card: the card number in the order is not the number on "
        "the card in the envelope."
    ),
    "bad_order_signed_too_long": _l(
        "You signed an order whose validity is longer than the person's assignment."
    ),
    "bad_order_signed_coordination_number": _l(
        "You signed a level-3 order for a person with a coordination number; level 3 needs a "
        "Swedish personal identity number (they can get a level-2 reserve card)."
    ),
    "nothing_issued": _l("No certificates were issued on the wrong order."),
    "issued_on_bad_order": _l("Certificates were issued on the wrong order."),
    "cards_missing": _l("The exercise's cards are gone from the desk. Start the exercise again."),
    "reserve_code_blocked": _l(
        "The reserve card's code is blocked after wrong tries, so the certificates cannot be "
        "fetched onto it: at a real desk the user would need a new reserve card."
    ),
}

# Findings on something final (a deregistration, a revocation, a signed or rejected order):
# checking again cannot turn them, so they say how to try again.
FINAL_CODES = {
    "mover_deregistered",
    "new_card_deregistered",
    "good_order_rejected",
    "bad_order_signed_wrong_card",
    "bad_order_signed_too_long",
    "bad_order_signed_coordination_number",
    "issued_on_bad_order",
    "reserve_code_blocked",
}

# What the directory administrator noted about a person in the card register (stored as a code,
# shown in the reader's language).
REGISTER_NOTES = {
    "employment_ended": _l("Employment ended."),
    "moved_in_region": _l("New assignment at Vårdcentralen Norr in the region since the 1st."),
    "left": _l("Left."),
}


def note_text(code: str) -> str:
    return str(REGISTER_NOTES.get(code, code))


# Findings that name a question: the sentence says whether the answer was right.
ANSWER_CODES = {"answer_card_number", "answer_pin_retries", "answer_hsa_id"}


def refusal_text(code: str, params: dict[str, Any]) -> str:
    if code == "wrong_code":
        left = int(params.get("retries_left", 0))
        if left == 0:
            return str(_l("Wrong code. No attempts are left: the code is now blocked."))
        return ngettext(
            "Wrong code. %(num)d attempt is left before the code is blocked.",
            "Wrong code. %(num)d attempts are left before the code is blocked.",
            left,
        )
    template = REFUSALS.get(code)
    return str(template) % params if template is not None else code


def finding_text(code: str, ok: bool, params: dict[str, Any] | None = None) -> str:
    text = str(FINDINGS.get(code, code))
    if params and "%(" in text:
        text = text % params
    if code in FINAL_CODES and not ok:
        again = _l("Start the exercise again to do it from the beginning.")
        text = f"{text} {again}"
    if code in ANSWER_CODES:
        return str(_l("%(question)s: right.") if ok else _l("%(question)s: not right.")) % {
            "question": text
        }
    return text


def reason_label(reason: str) -> str:
    labels = {choice.value: choice.label for choice in REASON_CHOICES}
    return str(labels.get(reason, reason))
