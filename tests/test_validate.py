"""ragdesk.validate: values from outside are checked once, with the place in every message."""

from __future__ import annotations

import pytest

from ragdesk import validate
from ragdesk.errors import InvalidValue


@pytest.mark.parametrize("check, value, words", [
    (lambda v: validate.text(v, "x.title"), ["a", "b"], "x.title: must be text in quotes, not a list"),
    (lambda v: validate.text(v, "x.title"), 5, "not the number 5"),
    (lambda v: validate.text(v, "x.title"), "a\x00b", "control character (U+0000)"),
    (lambda v: validate.text(v, "x.title"), "a\ud800b", "lone UTF-16 surrogate"),
    (lambda v: validate.text(v, "x.title"), "x" * 10_001, "10,001 characters"),
    (lambda v: validate.flag(v, "x.draft"), "false", "must be true or false, not the text “false” "
                                                     "(write true or false without quotes)"),
    (lambda v: validate.flag(v, "x.draft"), 0, "must be true or false, not the number 0"),
    (lambda v: validate.rich(v, "x.update"), {"p": 1}, "x.update: must be text in quotes"),
    (lambda v: validate.number(v, "x.mb", above=0, at_most=2000), float("nan"), "ordinary number"),
    (lambda v: validate.obj(v, "settings"), [1], "settings: must be an object"),
    (lambda v: validate.array(v, "x.items"), 5, "x.items: must be a list"),
    (lambda v: validate.setting("evidence_limit_mb", v, "settings"), "-5", "more than 0"),
    (lambda v: validate.setting("team", v, "settings"), {"a": 1}, "settings.team: must be text"),
])
def test_wrong_values_are_refused_with_the_place(check, value, words):
    with pytest.raises(InvalidValue) as caught:
        check(value)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_right_values_are_normalised():
    assert validate.text(None, "x") == "" and validate.text(13, "x", whole_numbers=True) == "13"
    assert validate.flag(None, "x") is False and validate.flag(True, "x") is True
    assert validate.rich('<p onclick="x()">Hi <script>bad()</script></p>', "x") == "<p>Hi </p>"
    assert validate.setting("evidence_limit_mb", "40", "settings") == ("evidence_limit_mb", "40")
    assert validate.setting("show_blue", True, "settings") == ("show_blue", "true")
    assert validate.unknown_keys({"title": 1, "colour": 2}, ("title",), "inspections[0]") == [
        "inspections[0].colour"]


def test_messages_never_carry_unprintable_text():
    with pytest.raises(InvalidValue) as caught:
        validate.flag("\ud800\n" + "y" * 100, "x")
    message = str(caught.value)
    message.encode("utf-8")  # printable on any console
    assert "\\ud800\\n" in message and "…" in message


@pytest.mark.parametrize("stored, mb", [("", 25), ("40", 40), ("inf", 25), ("-5", 25), ("0", 25),
                                        ("lots", 25), ("1e999", 25), ("5000", 25), ("0.5", 0.5)])
def test_a_stored_evidence_limit_that_makes_no_sense_falls_back_to_the_default(stored, mb):
    assert validate.evidence_limit_mb(stored) == mb
