"""The RAG selector: one labelled toggle button per rating (RED, AMBER, GREEN, and BLUE if enabled).

Each button shows the rating's colour *and* its word (never colour alone), with
the rating's definition as tooltip. Clicking the checked button again, or
"Clear", removes the rating. The selector only reports the choice
(``chosen``); the editor pane saves it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from ragdesk.domain import Rating

NO_RATING_STYLE = "QPushButton { padding: 4px 10px; }"


def _button_style(rating: Rating) -> str:
    # Checked: full colour; unchecked: a pale outline in the colour so the word stays readable.
    return (
        "QPushButton { padding: 4px 12px; font-weight: bold; border-radius: 4px;"
        f" border: 2px solid {rating.colour}; background: palette(button); color: palette(button-text); }}"
        f" QPushButton:checked {{ background: {rating.colour}; color: {rating.text_colour};"
        " border: 3px solid palette(highlight); }"
        " QPushButton:focus { text-decoration: underline; }"
    )


class RagSelector(QWidget):
    """Emits ``chosen(code or None)`` when the person picks a rating; ``set_rating`` shows one."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("RAG rating")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleName("Clear rating")
        self.clear_button.setToolTip("Remove the rating for this period")
        self.clear_button.setStyleSheet(NO_RATING_STYLE)
        self.clear_button.clicked.connect(lambda: self._pick(None))
        self._layout.addWidget(self.clear_button)
        self._layout.addStretch(1)
        self._current: str | None = None
        self._ratings: list[Rating] = []

    def set_ratings(self, ratings: list[Rating]) -> None:
        """Rebuild the buttons for the file's enabled ratings (BLUE appears only when enabled)."""
        enabled = [r for r in ratings if r.enabled]
        if [(r.code, r.colour, r.text_colour, r.definition) for r in enabled] == [
                (r.code, r.colour, r.text_colour, r.definition) for r in self._ratings]:
            return
        self._ratings = enabled
        for button in self.buttons.values():
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for n, rating in enumerate(enabled):
            button = QPushButton(rating.code, self)
            button.setCheckable(True)
            button.setAccessibleName(f"Rate {rating.code}")
            button.setAccessibleDescription(rating.definition)
            button.setToolTip(f"{rating.label} (key {rating.letter}): {rating.definition}")
            button.setStyleSheet(_button_style(rating))
            button.clicked.connect(lambda _checked=False, code=rating.code: self._clicked(code))
            self._layout.insertWidget(n, button)
            self.buttons[rating.code] = button
        self.setTabOrder(list(self.buttons.values())[-1] if self.buttons else self,
                         self.clear_button)
        self.set_rating(self._current)

    def letters(self) -> dict[str, str]:
        """Key letter -> rating code for the enabled ratings (R, A, G, B)."""
        return {r.letter.upper(): r.code for r in self._ratings}

    def rating(self) -> str | None:
        return self._current

    def set_rating(self, code: str | None) -> None:
        """Show ``code`` as the checked button without emitting ``chosen``."""
        self._current = code
        for key, button in self.buttons.items():
            button.setChecked(key == code)
        self.clear_button.setEnabled(code is not None)

    def _clicked(self, code: str) -> None:
        # Clicking the rating already chosen un-rates it; show the stored state until saved.
        self._pick(None if code == self._current else code)

    def _pick(self, code: str | None) -> None:
        self.set_rating(self._current)  # the pane sets the real state once the save succeeds
        self.chosen.emit(code)

    def choose_letter(self, letter: str) -> bool:
        """A key press: pick the rating with that letter; False if no such enabled rating."""
        code = self.letters().get(letter.upper())
        if code is None:
            return False
        if code != self._current:
            self._pick(code)
        return True

    def keyPressEvent(self, e: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        if e.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier) \
                and e.text() and self.choose_letter(e.text()):
            e.accept()
            return
        super().keyPressEvent(e)
