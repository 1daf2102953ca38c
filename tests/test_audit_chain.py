"""The tamper-evident history: a direct edit of a row in the database is caught."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.helpers import PNG_BYTES
from xinfang.cases.actions.register import do_register_case
from xinfang.cases.audit import verify_history
from xinfang.cases.models import CaseEvent
from xinfang.cases.uploads import check_and_store
from xinfang.orgs.roles import Role
from xinfang.testing.factories import OrgTree, make_user, register_case, registration_input


@pytest.fixture
def history(tree: OrgTree) -> list[CaseEvent]:
    registrar = make_user(tree.bureau, Role.REGISTRAR)
    register_case(registrar, tree.township_a)
    data = registration_input(tree.township_b)
    data.files = [check_and_store("a.png", PNG_BYTES), check_and_store("b.png", PNG_BYTES)]
    do_register_case(actor=registrar, data=data)
    return list(CaseEvent.objects.order_by("case_id", "seq"))


def test_intact_history_verifies(history: list[CaseEvent], capsys: pytest.CaptureFixture[str]) -> None:
    assert len(history) == 4
    result = verify_history()
    assert result.ok and (result.cases, result.events) == (2, 4)
    call_command("audit", "verify")
    assert json.loads(capsys.readouterr().out) == {"cases": 2, "events": 4, "ok": True}


def test_edited_row_is_caught_and_named(history: list[CaseEvent]) -> None:
    target = history[2]  # the second case's first attachment event
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_caseevent SET data = %s WHERE id = %s",
            [json.dumps({"attachment": 1, "name": "换掉的文件.png", "sha256": "0" * 64}), target.pk],
        )
    result = verify_history()
    assert result.first_broken is not None
    assert (result.first_broken.case_id, result.first_broken.seq) == (target.case_id, target.seq)
    assert "篡改" in result.first_broken.reason
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify")
    assert f"第 {target.seq} 条记录" in str(raised.value)


def test_deleted_row_is_caught(history: list[CaseEvent]) -> None:
    target = history[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [target.pk])
    result = verify_history()
    assert result.first_broken is not None
    assert (result.first_broken.case_id, result.first_broken.seq) == (target.case_id, target.seq + 1)
    assert "删除" in result.first_broken.reason


def test_removing_the_newest_events_is_caught(history: list[CaseEvent]) -> None:
    newest = history[-1]  # the second case's last attachment event
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [newest.pk])
    result = verify_history()
    assert result.first_broken is not None
    assert result.first_broken.case_id == newest.case_id and "最新记录被删除" in result.first_broken.reason


def test_removing_all_of_a_case_s_events_is_caught(history: list[CaseEvent]) -> None:
    first_case = history[0].case_id
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [first_case])
    result = verify_history()
    assert result.first_broken is not None and result.first_broken.case_id == first_case
    assert "一条也没有" in result.first_broken.reason
