"""The audit identity on Windows domain accounts, local accounts and POSIX systems."""

from __future__ import annotations

from ragdesk.osuser import os_user_name
from ragdesk.records import Identity
from ragdesk.store import Store


def test_domain_account_is_recorded_with_its_domain() -> None:
    env = {"USERNAME": "j.smith", "USERDOMAIN": "FORCE", "COMPUTERNAME": "LAPTOP-0042"}
    assert os_user_name(env, windows=True) == "FORCE\\j.smith"


def test_local_account_is_recorded_without_the_machine_name() -> None:
    env = {"USERNAME": "j.smith", "USERDOMAIN": "LAPTOP-0042", "COMPUTERNAME": "laptop-0042"}
    assert os_user_name(env, windows=True) == "j.smith"


def test_windows_without_the_variables_falls_back_to_the_login_name() -> None:
    assert os_user_name({}, windows=True, getuser=lambda: "jsmith") == "jsmith"


def test_posix_uses_the_login_name_and_ignores_windows_variables() -> None:
    env = {"USERNAME": "x", "USERDOMAIN": "FORCE"}
    assert os_user_name(env, windows=False, getuser=lambda: "alice") == "alice"


def test_no_name_at_all_is_unknown_not_a_traceback() -> None:
    def fail() -> str:
        raise OSError("no user")

    assert os_user_name({}, windows=False, getuser=fail) == "unknown"


def test_the_audit_log_records_the_domain_account(tmp_path) -> None:  # type: ignore[no-untyped-def]
    who = Identity(user=os_user_name({"USERNAME": "j.smith", "USERDOMAIN": "FORCE",
                                      "COMPUTERNAME": "PC1"}, windows=True), host="PC1")
    with Store.create(tmp_path / "unit.db", identity=who) as store:
        store.add_inspection("Vetting inspection")
        users = {entry.user for entry in store.audit_log()}
    assert users == {"FORCE\\j.smith"}

