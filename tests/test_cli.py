"""The ``ragdesk`` command line, as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from ragdesk.cli import main
from ragdesk.store import Store


def test_sample_check_export_import(tmp_path: Path, capsys) -> None:
    db = tmp_path / "sample.db"
    assert main(["sample", str(db)]) == 0
    assert main(["check", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Integrity:      ok" in out and "Items:          47" in out

    exported = tmp_path / "all.json"
    assert main(["export", str(db), "--format", "json", "-o", str(exported)]) == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert sum(len(i["items"]) for i in data["inspections"]) == 47

    fresh = tmp_path / "fresh.db"
    assert main(["new", str(fresh)]) == 0
    assert main(["import-json", str(fresh), str(exported)]) == 0
    with Store.open(fresh) as store:
        assert store.counts()["items"] == 47

    capsys.readouterr()
    assert main(["export", str(db), "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("inspection,kind,number,")


def test_errors_are_one_clear_line_and_exit_code_1(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.db"
    bad.write_text("hello")
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ragdesk: ") and "not a ragdesk database" in err and "Traceback" not in err
    assert main(["new", str(bad)]) == 1
    assert "already exists" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"inspections": [{"title": "x", "items": [{"kind": "nope"}]}]}')
    db = tmp_path / "ok.db"
    main(["new", str(db)])
    assert main(["import-json", str(db), str(broken)]) == 1
    assert "inspections[0].items[0].kind" in capsys.readouterr().err
    assert main(["import-json", str(db), str(tmp_path / "missing.json")]) == 1


def test_installed_entry_point_runs_without_a_display(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    done = subprocess.run([sys.executable, "-m", "ragdesk", "sample", str(db)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "47 items" in done.stdout


def test_version_prints_the_installed_version_without_reading_metadata_on_every_start() -> None:
    """``--version`` answers; any other command line builds the parser without reading package
    metadata (importlib.metadata is ~25 ms of every window start)."""
    from importlib import metadata

    out = subprocess.run([sys.executable, "-m", "ragdesk", "--version"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ragdesk {metadata.version('ragdesk')}"
    probe = ("import sys\nfrom ragdesk.cli import build_parser\n"
             "build_parser().parse_args(['check', 'x.db'])\n"
             "print('importlib.metadata' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert loaded.stdout.strip() == "False", loaded.stderr
