"""Issue 17 findings 8 and 9: `ragdesk import-json` never ends in a traceback and never
stores a wrong type silently.

Every refusal is one line on stderr naming the place, exit code 1, and the database
file byte for byte as it was. The fuzz test throws random JSON shapes (around the real
format, so it reaches the deep fields) at the command.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ragdesk import validate
from ragdesk.cli import main
from ragdesk.jsonio import ASSESSMENT_KEYS, INSPECTION_KEYS, ITEM_KEYS, TOP_KEYS
from ragdesk.records import Identity
from ragdesk.store import Store


@pytest.fixture(scope="module")
def _empty_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    Store.create(path).close()
    return path


@pytest.fixture
def db(_empty_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "unit.db"
    path.write_bytes(_empty_master.read_bytes())
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(db: Path, tmp_path: Path, content: bytes | str, capsys,
         command: tuple[str, ...] = ("import-json",)) -> tuple[int, str, str]:
    source = tmp_path / "in.json"
    source.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    capsys.readouterr()
    code = main([command[0], str(db), str(source), *command[1:]])
    out, err = capsys.readouterr()
    return code, out, err


def _doc(**inspection) -> str:
    base = {"title": "Vetting", "items": [{"kind": "afi", "number": "1"}]}
    return json.dumps({"inspections": [{**base, **inspection}]})


def _item(**fields) -> str:
    return _doc(items=[{"kind": "afi", "number": "1", **fields}])


def _assessment(**fields) -> str:
    return _item(assessments=[{"period": "Jun 2024", **fields}])


DEEP = 100_000
REFUSED = [
    # finding 8: each of these ended in a traceback
    ("items as a number", _doc(items=5), "inspections[0].items"),
    ("settings as a list", json.dumps({"settings": [1, 2], "inspections": []}), "settings"),
    ("a number as narrative", _item(text=42), "inspections[0].items[0].text"),
    ("a list as an update", _assessment(update=["a"]), "inspections[0].items[0].assessments[0].update"),
    ("invalid UTF-8", b'{"inspections": [{"title": "Caf\xe9"}]}', "not UTF-8"),
    ("UTF-16", '{"inspections": []}'.encode("utf-16"), "UTF-16"),
    ("deep nesting at the top", "[" * DEEP + "]" * DEEP, "line 1, column 65"),
    ("deep nesting in a field", '{"inspections": [{"title": ' + "[" * DEEP + "]" * DEEP + "}]}",
     "line 1"),
    ("a lone surrogate in a title", '{"inspections": [{"title": "Vet\\ud800ting"}]}',
     "inspections[0].title"),
    ("a huge integer", '{"inspections": [{"title": "x", "items": [{"number": ' + "9" * 5000 + "}]}]}",
     "cannot be read"),
    # finding 9: these were stored silently as something else
    ("a list as a title", _doc(title=["a", "b"]), "inspections[0].title: must be text"),
    ('"draft": "false"', _assessment(draft="false"), "assessments[0].draft: must be true or false"),
    ("NaN", '{"inspections": [{"title": "x", "items": [{"number": NaN}]}]}', "NaN"),
    ("Infinity", '{"settings": {"evidence_limit_mb": Infinity}, "inspections": []}', "Infinity"),
    ("1e999", '{"settings": {"evidence_limit_mb": 1e999}, "inspections": []}', "too large"),
    ("a NUL in a title", _doc(title="Vet\u0000ting"), "inspections[0].title: holds a control"),
    ('evidence_limit_mb "inf"', json.dumps({"settings": {"evidence_limit_mb": "inf"},
                                             "inspections": []}), "settings.evidence_limit_mb"),
    ('evidence_limit_mb "-5"', json.dumps({"settings": {"evidence_limit_mb": "-5"},
                                            "inspections": []}), "more than 0"),
    ("a boolean as a rating", _assessment(rag=True), "assessments[0].rag: must be text"),
    ("an object as a period label", _assessment(period={"a": 1}), "assessments[0].period"),
    ("a rating that is not on the scale", _assessment(rag="MAUVE"), "assessments[0]: “MAUVE”"),
    ("a date that is not a date", _item(deadline="soon"), "inspections[0].items[0]:"),
    ("a narrative over the size limit", _assessment(impact="x" * (validate.MAX_RICH_CHARS + 1)),
     "assessments[0].impact: is 500,001 characters"),
]


# `ragdesk import FILE.json` (every format's command) checks a JSON file as import-json does,
# and its dry run refuses what the real import would refuse.
COMMANDS = [("import-json",), ("import",), ("import", "--dry-run")]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("content, place", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_bad_input_is_one_line_naming_the_place_and_the_file_is_unchanged(
        db, tmp_path, capsys, content, place, command):
    before = _digest(db)
    code, out, err = _run(db, tmp_path, content, capsys, command)
    assert code == 1
    assert "Traceback" not in err and out == ""
    assert err.count("\n") == 1 and err.startswith("ragdesk: ")
    assert place in err
    assert _digest(db) == before


def test_unknown_keys_are_named_and_the_rest_is_imported(db, tmp_path, capsys):
    content = json.dumps({"inspections": [{"title": "Vetting", "colour": "blue", "items": [
        {"kind": "afi", "number": "1", "owner": "DCI Smith",
         "assessments": [{"period": "Jun 2024", "rag": "RED", "score": 3}]}]}], "extra": 1})
    code, out, err = _run(db, tmp_path, content, capsys)
    assert code == 0 and out.startswith("Imported 1 inspections, 1 items")
    assert err.count("\n") == 1
    for place in ("extra", "inspections[0].colour", "inspections[0].items[0].owner",
                  "inspections[0].items[0].assessments[0].score"):
        assert place in err
    with Store.open(db, identity=Identity("checker", "test")) as store:
        assert [i.title for i in store.inspections()] == ["Vetting"]


def test_values_of_the_right_type_are_kept_as_they_are(db, tmp_path, capsys):
    content = json.dumps({"settings": {"evidence_limit_mb": 40, "show_blue": True},
                          "inspections": [{"title": "Vetting", "items": [
                              {"kind": "afi", "number": 7, "assessments": [
                                  {"period": "Jun 2024", "rag": "amber", "draft": True}]}]}]})
    code, _out, err = _run(db, tmp_path, content, capsys)
    assert code == 0, err
    with Store.open(db, identity=Identity("checker", "test")) as store:
        item = store.items()[0]
        assert item.number == "7"
        assessment = store.assessments()[0]
        assert assessment.rag == "AMBER" and assessment.draft is True
        assert store.setting("evidence_limit_mb") == "40"
        assert store.setting("show_blue") == "true"
        assert store.evidence_limit == 40 * 1024 * 1024


def test_a_file_that_already_holds_a_bad_evidence_limit_uses_the_default(empty_store):
    for bad in ("inf", "-5", "nan", "lots", "1e999"):
        empty_store.set_setting("evidence_limit_mb", bad)
        assert empty_store.evidence_limit == 25 * 1024 * 1024


# --------------------------------------------------------------------------- fuzz

_scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20)
            | st.floats(allow_nan=True, allow_infinity=True)
            | st.text(max_size=12)  # includes lone surrogates, NUL and other controls
            | st.sampled_from(["RED", "amber", "Jun 2024", "2024-06-30", "afi", "+", "true", "<p>x</p>",
                               "<!--", "soon"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


def _shaped(keys: tuple[str, ...], required: tuple[str, ...] = (), **children) -> st.SearchStrategy:
    """Objects with some of ``keys`` (random values, or the given child shapes, which are
    themselves sometimes any value) and sometimes a stray key."""
    fields = {k: (children[k] | _values) if k in children else _values for k in keys}
    return st.fixed_dictionaries({k: fields.pop(k) for k in required},
                                 optional={**fields, "zz": _values})


_assessments = st.lists(_shaped(ASSESSMENT_KEYS, ("period",),
                                period=st.sampled_from(["Jun 2024", "Jan 2025"])), max_size=2)
_items = st.lists(_shaped((*ITEM_KEYS, "assessments"), ("assessments",), assessments=_assessments),
                  max_size=2)
_inspections = st.lists(_shaped(INSPECTION_KEYS, ("title", "items"), items=_items,
                                title=st.text(min_size=1, max_size=8)), min_size=1, max_size=2)
_settings = st.dictionaries(st.sampled_from(["evidence_limit_mb", "force_name", "team"]), _values,
                            max_size=2)
_documents = _shaped(TOP_KEYS, ("inspections",), inspections=_inspections, settings=_settings)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=_documents)
def test_fuzz_import_json_is_exit_0_or_one_clear_line(tmp_path_factory, _empty_master, capsys,
                                                       document):
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "unit.db"
    db.write_bytes(_empty_master.read_bytes())
    before = _digest(db)
    # ensure_ascii writes lone surrogates as \ud800 escapes; allow_nan writes NaN/Infinity
    content = json.dumps(document, ensure_ascii=True, allow_nan=True)
    code, _out, err = _run(db, folder, content, capsys)
    assert code in (0, 1)
    assert "Traceback" not in err
    if code == 1:
        assert err.count("\n") == 1 and err.startswith("ragdesk: ")
        assert _digest(db) == before


def test_the_window_names_ignored_keys_and_refuses_utf16_in_one_message(
        qtbot, window, sample_path, tmp_path, warnings):
    source = tmp_path / "extra.json"
    source.write_text(json.dumps({"inspections": [{"title": "Custody", "rating": "RED"}]}),
                      encoding="utf-8")
    task = window.file_actions.import_json(str(source))
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    assert "Ignored 1 key that ragdesk does not know: inspections[0].rating" in \
        window.statusBar().currentMessage()

    before = _digest(sample_path)
    source.write_bytes(json.dumps({"inspections": [{"title": "Custody"}]}).encode("utf-16"))
    task = window.file_actions.import_json(str(source))
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    assert len(warnings) == 1 and "UTF-16" in warnings[0] and "\n" not in warnings[0]
    assert _digest(sample_path) == before
