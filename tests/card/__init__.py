"""Tests of sandbox.card: APDU/TLV, PIV session, virtual card, card service."""
