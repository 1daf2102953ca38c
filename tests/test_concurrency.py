"""Concurrent registrations on PostgreSQL: distinct, gapless numbers; one case per token."""

import threading

import pytest
from django.db import close_old_connections, connection

from xinfang.cases.actions.register import do_register_case
from xinfang.cases.models import Case
from xinfang.orgs.roles import Role
from xinfang.testing.factories import make_org_tree, make_user, registration_input

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count: int, target) -> list[BaseException]:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            target(index)
        except BaseException as error:
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def setup() -> dict[str, object]:
    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency are checked on PostgreSQL")
    tree = make_org_tree()
    registration_input(tree.township_a)  # loads topics once, before any thread needs them
    return {"tree": tree, "registrar": make_user(tree.bureau, Role.REGISTRAR)}


def test_twenty_concurrent_registrations_get_gapless_numbers(setup: dict) -> None:  # type: ignore[type-arg]
    registrar, tree = setup["registrar"], setup["tree"]

    def register(index: int) -> None:
        do_register_case(
            actor=registrar, data=registration_input(tree.township_a, submission_token=f"t{index}")
        )

    assert run_in_threads(20, register) == []
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert len(numbers) == 20
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 21))


def test_concurrent_double_submit_makes_one_case(setup: dict) -> None:  # type: ignore[type-arg]
    registrar, tree = setup["registrar"], setup["tree"]
    made: list[int] = []

    def register(index: int) -> None:
        case = do_register_case(
            actor=registrar, data=registration_input(tree.township_a, submission_token="same")
        )
        made.append(case.pk)

    assert run_in_threads(5, register) == []
    assert Case.objects.count() == 1
    assert set(made) == {Case.objects.get().pk}
    assert Case.objects.get().number.endswith("-000001")
