"""The benchmark data generator makes a valid, realistic, deterministic database."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from pypdf import PdfReader

from ragdesk import richtext
from ragdesk.cli import main as cli_main
from ragdesk.store import Store

GENERATE = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_file_passes_check_and_holds_what_was_asked(tmp_path: Path, capsys) -> None:
    path = tmp_path / "big.db"
    assert _generator().main([str(path), "--items", "30", "--inspections", "6",
                              "--periods", "5", "--seed", "7"]) == 0
    assert cli_main(["check", str(path)]) == 0
    assert "Integrity:      ok" in capsys.readouterr().out
    with Store.open(path, read_only=True) as store:
        assert store.counts()["items"] == 30 and store.counts()["inspections"] == 6
        assert store.counts()["assessments"] == 30 * 5
        assert {r.rag for r in store.item_rows()} <= {"RED", "AMBER", "GREEN"}
        latest = store.periods()[-1]
        words = [len(richtext.to_plain(a.update + a.intent_and_implementation + a.impact).split())
                 for a in store.assessments(period_id=latest.id)]
        assert 200 < sum(words) / len(words) < 400  # "about 300 words"
        assert store.search("Star Chamber")  # the local search index is made from it
    texts = {}
    for kind in ("recommendations", "peel"):  # and it prints, in both formats
        pdf = tmp_path / f"{kind}.pdf"
        assert cli_main(["report", str(path), "--format", kind, "-o", str(pdf)]) == 0
        texts[kind] = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert re.search(r"^Recommendation \d+", texts["recommendations"], re.M)
    assert "RAG Rating" in texts["recommendations"]
    assert "Intent and Implementation" in texts["peel"] and "Impact" in texts["peel"]


def test_same_seed_same_content(tmp_path: Path) -> None:
    gen = _generator()
    texts = []
    for name in ("a.db", "b.db"):
        store = gen.generate(str(tmp_path / name), items=12, inspections=3, periods=3, seed=5)
        texts.append([(i.number, i.text, i.lead, i.deadline) for i in store.items()])
        store.close()
    assert texts[0] == texts[1]
