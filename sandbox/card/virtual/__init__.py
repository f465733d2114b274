"""The virtual PIV test card: card side of PIV, persisted state, vpcd bridge."""

from .card import ATR, VirtualPivCard
from .state import CardState, load_state, new_card_state, save_state

__all__ = ["ATR", "CardState", "VirtualPivCard", "load_state", "new_card_state", "save_state"]
