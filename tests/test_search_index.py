"""The search index on this computer's own disk (issue 16), as the people sharing a file see it.

Each test has its own index folder (``RAGDESK_CACHE_DIR``, set in conftest.py).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from ragdesk import schema, search_index
from ragdesk.backup import refresh_search_from_copy
from ragdesk.domain import ItemKind
from ragdesk.errors import ReadOnly
from ragdesk.store import Identity, Store

ME = Identity(user="me", host="PC-1")
COLLEAGUE = Identity(user="colleague", host="PC-2")


def _index_files() -> list[Path]:
    return sorted(Path(os.environ["RAGDESK_CACHE_DIR"]).glob("*.search.sqlite"))


@pytest.fixture
def shared(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A small file with two items and a period, as a unit would have on its drive."""
    path = tmp_path / "unit.db"
    with Store.create(path, identity=ME) as store:
        inspection = store.add_inspection("PEEL 2025")
        period = store.add_period("Jun 2025")
        first = store.add_item(inspection.id, ItemKind.AFI, "1", text="<p>Custody reviews</p>",
                               lead="ACC Baldwin")
        second = store.add_item(inspection.id, ItemKind.AFI, "2", text="<p>Vetting backlog</p>")
        store.save_assessment(item_id=first.id, period_id=period.id, rag="AMBER", update="<p>Audit of cells</p>")
    return path, {"first": first.id, "second": second.id, "period": period.id}


def test_a_new_file_has_no_search_table_and_an_identity(shared) -> None:
    path, _ = shared
    conn = sqlite3.connect(path)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    (file_id,) = conn.execute("SELECT value FROM settings WHERE key = 'file_id'").fetchone()
    conn.close()
    assert not {n for n in names if n.startswith("search_index")}
    assert len(file_id) == 36


def test_search_finds_every_kind_of_text_and_keeps_its_index_on_this_computer(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
        assert store.search("baldwin") == [ids["first"]]  # a field
        assert store.search("cells") == [ids["first"]]  # a narrative
        assert store.search("backl") == [ids["second"]]  # the last word as a prefix
        assert store.search("custody backlog") == []  # every word must be in one item
        file_id = store.setting("file_id")
    assert [p.name for p in _index_files()] == [f"{file_id}.search.sqlite"]


def test_a_save_does_not_touch_the_index(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        store.search("custody")
        (index,) = _index_files()
        before = index.stat().st_mtime_ns, index.read_bytes()
        store.save_assessment(item_id=ids["second"], period_id=ids["period"], update="<p>Quokka survey</p>")
        store.set_rag(item_id=ids["first"], period_id=ids["period"], rag="RED")
        assert (index.stat().st_mtime_ns, index.read_bytes()) == before
        assert store.search("quokka") == [ids["second"]]  # brought up to date when asked


def test_a_colleagues_saved_narrative_is_found_after_their_save(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as mine, Store.open(path, identity=COLLEAGUE) as theirs:
        assert mine.search("wombat") == []
        theirs.save_assessment(item_id=ids["second"], period_id=ids["period"], update="<p>Wombat patrols</p>")
        assert mine.search("wombat") == [ids["second"]]
        theirs.update_item(ids["first"], text="<p>Detention standards</p>")
        assert mine.search("custody") == []
        assert mine.search("detention") == [ids["first"]]


def test_a_deleted_item_is_not_found_and_undo_brings_it_back(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store, Store.open(path, identity=COLLEAGUE) as other:
        assert store.search("cells") == [ids["first"]]
        deleted = other.delete_item(ids["first"])
        assert store.search("cells") == [] and store.search("custody") == []
        other.restore(deleted)
        assert store.search("cells") == [ids["first"]] == store.search("custody")


def test_a_deleted_narrative_and_period_leave_the_results(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        assert store.search("cells") == [ids["first"]]
        gone = store.delete_assessment(item_id=ids["first"], period_id=ids["period"])
        assert store.search("cells") == []
        assert gone is not None
        store.restore(gone)
        assert store.search("cells") == [ids["first"]]
        period = store.delete_period(ids["period"])
        assert store.search("cells") == []
        store.restore(period)
        assert store.search("cells") == [ids["first"]]


def test_a_file_restored_from_an_older_copy_gives_its_own_results(shared, tmp_path: Path) -> None:
    path, ids = shared
    older = tmp_path / "older.db"
    with Store.open(path, identity=ME) as store:
        store.save_copy(older)  # today's backup, say
        store.save_assessment(item_id=ids["second"], period_id=ids["period"], update="<p>Quokka survey</p>")
        assert store.search("quokka") == [ids["second"]]
    shutil.copyfile(older, path)  # the file is put back as it was: its audit ids go back
    with Store.open(path, identity=ME) as store:
        assert store.search("quokka") == []
        # new saves take the audit ids the lost ones had: the index must still notice
        for n in range(3):
            store.save_assessment(item_id=ids["second"], period_id=ids["period"], status_note=f"Numbat {n}")
        assert store.search("quokka") == []
        assert store.search("numbat") == [ids["second"]]


def test_a_search_inside_a_batch_that_fails_is_not_remembered(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        store.search("custody")
        with pytest.raises(RuntimeError), store.batch():
            store.update_item(ids["second"], text="<p>Quokka survey</p>")
            assert store.search("quokka") == [ids["second"]]
            raise RuntimeError("the import failed half-way")
        assert store.search("quokka") == []
        assert store.search("vetting") == [ids["second"]]


@pytest.mark.parametrize("damage", ["deleted", "garbage", "truncated", "not an index"])
def test_a_missing_or_damaged_index_is_made_again(shared, damage: str) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
        (index,) = _index_files()
        if damage == "deleted":
            index.unlink()
        elif damage == "garbage":
            index.write_bytes(b"\x13" * 8192)
        elif damage == "truncated":
            with open(index, "r+b") as f:
                f.truncate(2048)
        else:
            index.unlink()
            sqlite3.connect(index).execute("CREATE TABLE x (y)").connection.close()
        store.update_item(ids["second"], text="<p>Quokka survey</p>")
        assert store.search("quokka") == [ids["second"]]
        assert store.search("custody") == [ids["first"]]
    assert len(_index_files()) == 1


def test_a_damaged_entry_is_noticed_when_caught_up(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        store.search("custody")
        (index,) = _index_files()
        conn = sqlite3.connect(index)
        conn.execute("UPDATE docs SET body = x'00' WHERE id = ?", (ids["first"],))
        conn.commit()
        conn.close()
        store.update_item(ids["first"], text="<p>Detention standards</p>")
        assert store.search("detention") == [ids["first"]]
        assert store.search("custody") == []


def test_an_unwritable_index_folder_keeps_the_index_in_memory(shared, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path, ids = shared
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder would be")
    monkeypatch.setenv("RAGDESK_CACHE_DIR", str(blocker / "search"))
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
        store.update_item(ids["first"], text="<p>Detention standards</p>")
        assert store.search("detention") == [ids["first"]]
        assert store.search("custody") == []


def test_a_read_only_open_searches(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=COLLEAGUE) as other:
        other.save_assessment(item_id=ids["second"], period_id=ids["period"], update="<p>Quokka survey</p>")
    with Store.open(path, read_only=True) as store:
        assert store.search("quokka") == [ids["second"]]
        with pytest.raises(ReadOnly):
            store.update_item(ids["first"], text="<p>x</p>")


def _version_4_file(path: Path) -> None:
    """A file as ragdesk wrote schema 4: the search index inside it, filled."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    for migration in schema.MIGRATIONS[:4]:
        migration(conn)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("INSERT INTO inspections (id, title) VALUES (1, 'PEEL 2023')")
    conn.execute("INSERT INTO items (id, inspection_id, kind, number, text) "
                 "VALUES (7, 1, 'afi', '1', '<p>Custody reviews</p>')")
    conn.execute("INSERT INTO periods (id, label, position) VALUES (1, 'Jul 2023', 0)")
    conn.execute("INSERT INTO assessments (id, item_id, period_id, rag, update_text) "
                 "VALUES (3, 7, 1, 'RED', '<p>Wombat patrols</p>')")
    conn.execute("INSERT INTO search_index (rowid, body) VALUES (7, '1 Custody reviews Wombat patrols')")
    conn.execute("COMMIT")
    conn.close()


def test_a_version_4_file_drops_its_search_table_and_still_searches(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    _version_4_file(path)
    with Store.open(path, read_only=False, identity=ME) as store:
        assert store.migrated_from == 4
        assert store.setting("file_id")
        tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master")}
        assert not {t for t in tables if t.startswith("search_index")}
        assert store.search("wombat") == [7] == store.search("custody")
        assert store.integrity_check() == "ok"


def test_a_version_4_files_search_tables_are_its_own_schema(tmp_path: Path) -> None:
    """Vetting compares a file with the schema of its own version: FTS shadow tables are fine
    in a version 4 file (before it is upgraded), and foreign in a version 5 one."""
    path = tmp_path / "v4.db"
    _version_4_file(path)
    conn = sqlite3.connect(path)
    assert schema.differences(conn, 4) == []
    assert "unknown table “search_index”" in " ".join(schema.differences(conn, 5))
    conn.close()


def test_two_files_keep_two_indexes(shared, tmp_path: Path) -> None:
    path, ids = shared
    other = tmp_path / "other.db"
    with Store.create(other, identity=ME) as store:
        inspection = store.add_inspection("Custody 2024")
        item = store.add_item(inspection.id, ItemKind.RECOMMENDATION, "1", text="<p>Wombat</p>")
        assert store.search("wombat") == [item.id]
    with Store.open(path, identity=ME) as store:
        assert store.search("wombat") == []
        assert store.search("custody") == [ids["first"]]
    assert len(_index_files()) == 2


def test_far_behind_it_is_made_again_and_says_how_far_it_got(shared) -> None:
    path, ids = shared
    with Store.open(path, identity=ME) as store:
        inspection = store.inspections()[0]
        with store.batch():
            for n in range(40):
                store.add_item(inspection.id, ItemKind.AFI, str(n + 3), text=f"<p>Numbat {n}</p>")
        seen: list[tuple[int, int]] = []
        store.prepare_search(progress=lambda done, total: seen.append((done, total)))
        assert seen[0] == (0, 42) and seen[-1] == (42, 42)
        assert len(store.search("numbat")) == 40


def test_the_daily_backups_copy_brings_the_index_up_to_date(shared, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Made from the local copy, the index is then only caught up from the file (never re-made
    through the share)."""
    path, ids = shared
    copy = tmp_path / "local-copy.db"
    with Store.open(path, identity=COLLEAGUE) as other:
        other.save_assessment(item_id=ids["second"], period_id=ids["period"], update="<p>Quokka survey</p>")
        other.save_copy(copy)
        other.update_item(ids["first"], text="<p>Detention standards</p>")  # after the copy
    refresh_search_from_copy(str(copy))
    assert len(_index_files()) == 1

    def no_rebuild(*_args: object) -> None:
        raise AssertionError("the index was made again from the shared file")

    monkeypatch.setattr(search_index, "Builder", no_rebuild)
    with Store.open(path, identity=ME) as store:
        assert store.search("quokka") == [ids["second"]]
        assert store.search("detention") == [ids["first"]]
        assert store.search("custody") == []


def test_a_refresh_from_an_older_copy_keeps_a_newer_index(shared, tmp_path: Path) -> None:
    path, ids = shared
    copy = tmp_path / "local-copy.db"
    with Store.open(path, identity=ME) as store:
        store.save_copy(copy)
        store.update_item(ids["first"], text="<p>Detention standards</p>")
        assert store.search("detention") == [ids["first"]]
        (index,) = _index_files()
        before = index.read_bytes()
        refresh_search_from_copy(str(copy))
        assert index.read_bytes() == before
        assert store.search("detention") == [ids["first"]]


def test_the_index_folder_follows_each_platform() -> None:
    home = Path("/home/pc")
    assert search_index.index_folder({"RAGDESK_CACHE_DIR": "/x"}, home=home) == Path("/x")
    assert search_index.index_folder({"LOCALAPPDATA": r"C:\Users\pc\AppData\Local"}, windows=True,
                                     home=home) == Path(r"C:\Users\pc\AppData\Local") / "ragdesk" / "search"
    assert search_index.index_folder({"XDG_CACHE_HOME": "/c"}, windows=False, home=home) == Path(
        "/c/ragdesk/search")
    assert search_index.index_folder({}, windows=False, home=home) == home / ".cache/ragdesk/search"


def test_an_odd_file_id_still_names_a_safe_file() -> None:
    assert search_index.index_name("../../etc/passwd").endswith(".search.sqlite")
    assert "/" not in search_index.index_name("../../etc/passwd")
    assert "\\" not in search_index.index_name("..\\..\\x")


def test_an_export_imported_into_a_new_file_leaves_each_its_own_index(shared, tmp_path: Path) -> None:
    """The file's identity names its local index: it stays with the file, never travels in JSON."""
    from ragdesk.jsonio import export_data, import_data

    path, ids = shared
    with Store.open(path, identity=ME) as store:
        data = export_data(store)
        mine = store.setting("file_id")
        assert store.search("custody") == [ids["first"]]
    assert "file_id" not in data["settings"]
    data["settings"]["file_id"] = mine  # a hand-edited export naming this file
    with Store.create(tmp_path / "copy.db", identity=ME) as other:
        import_data(other, data)
        assert other.setting("file_id") not in ("", mine)
        assert len(other.search("custody")) == 1
    assert len(_index_files()) == 2


def test_indexes_unused_for_months_are_removed_when_another_is_made(shared) -> None:
    path, ids = shared
    folder = Path(os.environ["RAGDESK_CACHE_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    old = folder / "0123456789abcdef.search.sqlite"
    recent = folder / "fedcba9876543210.search.sqlite"
    for index, days in ((old, 200), (recent, 30)):
        index.write_bytes(b"")
        stamp = os.path.getmtime(index) - days * 86400
        os.utime(index, (stamp, stamp))
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
    assert not old.exists() and recent.exists()


def test_the_backups_copy_leaves_an_index_kept_in_memory_to_the_window(
        shared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, ids = shared
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder would be")
    monkeypatch.setenv("RAGDESK_CACHE_DIR", str(blocker / "search"))
    copy = tmp_path / "local-copy.db"
    with Store.open(path, identity=ME) as store:
        store.save_copy(copy)
        refresh_search_from_copy(str(copy))  # from the backup's thread: leaves it alone
        assert store.setting("file_id") not in search_index._MEMORY
        assert store.search("custody") == [ids["first"]]
        assert store.setting("file_id") in search_index._MEMORY


def test_a_new_index_that_cannot_replace_the_old_is_kept_in_memory_not_made_twice(
        shared, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows another window's search may hold the old index open as the new one is put
    in place: what was read through the share is kept, in memory for this run."""
    from ragdesk.errors import FileBusy

    path, ids = shared

    def held(source: object, target: object, **_kwargs: object) -> None:
        raise FileBusy(str(target), "held open by another program")

    with Store.open(path, identity=ME) as store:
        monkeypatch.setattr(search_index.files, "replace", held)
        made: list[tuple[int, int]] = []
        store.search_progress = lambda done, total: made.append((done, total))
        assert store.search("custody") == [ids["first"]]
        store.update_item(ids["second"], text="<p>Quokka survey</p>")
        assert store.search("quokka") == [ids["second"]]  # caught up, in memory
        assert made.count((0, 2)) == 1  # made once, not again after the failed rename
        assert store.setting("file_id") in search_index._MEMORY
        assert not list(Path(os.environ["RAGDESK_CACHE_DIR"]).glob("*.tmp"))


def test_an_index_locked_by_another_window_is_not_thrown_away(
        shared, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragdesk.errors import RagdeskError

    path, ids = shared
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
        store.update_item(ids["second"], text="<p>Quokka survey</p>")
        (index,) = _index_files()
        other_window = sqlite3.connect(index, isolation_level=None)
        other_window.execute("BEGIN IMMEDIATE")  # another ragdesk catching up, say
        monkeypatch.setattr(search_index, "_BUSY_TIMEOUT_S", 0.2)
        with pytest.raises(RagdeskError, match="Another ragdesk window"):
            store.search("quokka")
        other_window.execute("ROLLBACK")
        other_window.close()
        assert index.exists()
        assert store.search("quokka") == [ids["second"]]


def test_an_index_being_committed_by_another_window_is_not_thrown_away_on_opening(
        shared, monkeypatch: pytest.MonkeyPatch) -> None:
    from ragdesk.errors import RagdeskError

    path, ids = shared
    with Store.open(path, identity=ME) as store:
        assert store.search("custody") == [ids["first"]]
        (index,) = _index_files()
        other_window = sqlite3.connect(index, isolation_level=None)
        other_window.execute("BEGIN EXCLUSIVE")  # its commit under way: nobody may read
        monkeypatch.setattr(search_index, "_BUSY_TIMEOUT_S", 0.2)
        store.update_item(ids["second"], text="<p>Quokka survey</p>")
        with pytest.raises(RagdeskError, match="Another ragdesk window"):
            store.search("quokka")
        other_window.execute("ROLLBACK")
        other_window.close()
        assert index.exists()
        assert store.search("quokka") == [ids["second"]]


def test_search_needs_build_says_when_the_index_must_be_made_and_catches_up_otherwise(shared) -> None:
    """The window asks first: a missing index needs the full build (done on a thread), one a
    colleague's save behind is caught up on the way, so the search after it reads nothing more."""
    path, ids = shared
    with Store.open(path, identity=ME) as mine:
        assert mine.search_needs_build()  # nothing made on this computer yet
        assert mine.search_needs_build()  # asking makes nothing (an empty index at most)
        with search_index.opened(mine.setting("file_id")) as index:
            assert index.mark() is None and index.count() == 0
        with Store.open(path, identity=COLLEAGUE, read_only=True) as worker:
            worker.prepare_search()  # what the window's thread does, on its own connection
        assert not mine.search_needs_build()
        with Store.open(path, identity=COLLEAGUE) as theirs:
            theirs.save_assessment(item_id=ids["second"], period_id=ids["period"],
                                   update="<p>Wombat count</p>")
        assert not mine.search_needs_build()  # a few items behind: caught up now
        with search_index.opened(mine.setting("file_id")) as index:
            assert index.search(search_index.fts_query("wombat")) == [ids["second"]]
        assert mine.search("wombat") == [ids["second"]]
        for index_file in _index_files():
            index_file.write_bytes(b"not an index at all")
        assert mine.search_needs_build()  # damaged: made again
