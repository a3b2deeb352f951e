"""The per-item history timeline: who, when, what, old → new; read-only."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ragdesk.records import Identity
from ragdesk.store import Store
from ragdesk.ui.history_view import HistoryModel, HistoryView, plain


def rows(model: HistoryModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_timeline_shows_each_change_newest_first(qtbot, qtmodeltester, sample_path) -> None:
    store = Store.open(sample_path, identity=Identity("erin", "PC-5"))
    item, period = store.items()[0], store.periods()[0]
    store.update_item(item.id, lead="DCI <Smith> & Co")
    store.save_assessment(item_id=item.id, period_id=period.id, impact="<p><b>Big</b> impact " + "x" * 300 + "</p>")
    evidence = store.add_evidence(item.id, "minutes.pdf", b"%PDF")
    store.remove_evidence(evidence.id)
    view = HistoryView()
    qtbot.addWidget(view)
    view.show_item(store, item.id)
    model = view.model
    qtmodeltester.check(model)
    table = rows(model)
    assert table[0][1:] == ["erin@PC-5", "Evidence: removed", "minutes.pdf", ""]
    assert table[1][2:] == ["Evidence: added", "", "minutes.pdf"]
    impact = next(r for r in table if r[2] == "Assessment: Impact")
    assert impact[4].startswith("Big impact xxx") and impact[4].endswith("…") and "<" not in impact[4]
    lead = next(r for r in table if r[2] == "Item: lead")
    assert lead[3:] == [item.lead, "DCI <Smith> & Co"]
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    # refresh picks up a colleague's change
    other = Store.open(sample_path, identity=Identity("finn", "PC-6"))
    other.set_rag(item_id=item.id, period_id=period.id, rag="RED")
    view.refresh()
    assert rows(model)[0][1:3] == ["finn@PC-6", "Assessment: Rating"]
    view.table.resize(900, 300)
    view.resize(900, 300)
    view.grab().save("/tmp/history.png")
    view.show_item(None, None)
    assert model.rowCount() == 0
    other.close()
    store.close()


def test_plain_trims_and_flattens() -> None:
    assert plain(None) == ""
    assert plain("<ul><li>one</li><li>two &amp; three</li></ul>") == "• one • two & three"
    assert plain("a\n  b") == "a b"
    assert len(plain("y" * 500)) == 120


def test_values_read_as_the_editor_shows_them(qtbot, sample_path) -> None:
    """Dates written out, "With immediate effect", labels not codes (issue 19)."""
    store = Store.open(sample_path, identity=Identity("erin", "PC-5"))
    item, period = store.items()[0], store.periods()[0]
    store.update_item(item.id, deadline="31/10/2023", review_date="1/2/2024",
                      status="proposed_for_closure")
    store.update_item(item.id, deadline="with immediate effect", kind="afi")
    store.save_assessment(item_id=item.id, period_id=period.id, dot="+")
    store.set_rag(item_id=item.id, period_id=period.id, rag=None)
    view = HistoryView()
    qtbot.addWidget(view)
    view.show_item(store, item.id)
    table = rows(view.model)

    def change(what: str) -> list[str]:
        return next(r[3:] for r in table if r[2] == what)

    assert change("Item: deadline") == ["31 October 2023", "With immediate effect"]
    assert change("Item: Review date")[1] == "1 February 2024"
    assert change("Item: status")[1] == "Proposed for closure"
    assert change("Item: kind") == ["Recommendation", "Area for improvement"]
    assert change("Assessment: Direction of travel")[1] == "▲ Improved"
    assert table[0][3:] != ["", ""] and table[0][4] == "Not rated"
    text = " ".join(" ".join(r) for r in table)
    assert "2023-10-31" not in text and "with immediate effect" not in text
    store.close()
