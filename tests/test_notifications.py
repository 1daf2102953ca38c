"""Petitioners told of each step by SMS (a local fake gateway) and email (a local SMTP server).

The staff steps go through the HTTP interface; their case_changed signal is sent after commit,
so each step runs inside django_capture_on_commit_callbacks(execute=True), which is what a real
commit does. Huey runs in immediate mode; a retry lands in its schedule, and `run_due_retries`
does what the consumer does when the retry's time comes.
"""

import dataclasses
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import checks
from django.test import Client
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.fake_sms_gateway import FakeSmsGateway
from tests.helpers import registration_post
from tests.lifecycle_helpers import People, client_for, make_people, step
from xinfang.cases.models import Case
from xinfang.cases.signals import case_changed
from xinfang.core import clock
from xinfang.core.clock import chinese_date
from xinfang.deadlines.models import Deadline
from xinfang.notifications.actions import (
    do_queue_notifications,
    email_recipient,
    retry_delay,
)
from xinfang.notifications.models import Delivery, DeliveryStatus, Event
from xinfang.notifications.tasks import (
    deliver_notification,
    queue_case_event_notifications,
    remind_closing_windows_daily,
    requeue_stalled_deliveries,
)
from xinfang.notifications.templates import MessageContext, notify_message
from xinfang.orgs.models import User
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number

PHONE = "13912345678"  # the petitioner's phone in tests.helpers.registration_post
PHONE_MASK = "139****5678"
ID_NUMBER = make_id_number(seq=321)

REPLY: dict[str, Any] = {
    "request": "请求督促公司支付拖欠的工资",
    "facts_found": "经查，该公司确实拖欠工资三万元。",
    "reasons": "用人单位应当按时足额支付劳动报酬。",
    "decision": "责令该公司于30日内支付拖欠工资。",
    "legal_basis": "《保障农民工工资支付条例》第十五条",
    "review_notice": "如不服，可自收到本意见书之日起30日内向西湖区人民政府请求复查。",
}


# -- the local servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """aiosmtpd handler: keeps each message; can answer the next ones 451 (try again later)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.transactions = 0
        self.fail_next = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.transactions += 1
        if self.fail_next:
            self.fail_next -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def queue() -> Iterator[Any]:
    """Huey in immediate mode (in memory), empty before and after."""
    was = HUEY.immediate
    HUEY.immediate = True
    HUEY.flush()
    yield HUEY
    HUEY.flush()
    HUEY.immediate = was


@pytest.fixture
def gateway(settings: Any, queue: Any) -> Iterator[FakeSmsGateway]:
    server = FakeSmsGateway(slow_seconds=0.8).start()
    settings.NOTIFY_CHANNELS = ["sms", "email"]
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = server.token
    settings.SMS_GATEWAY_TIMEOUT = 0.3
    settings.NOTIFY_RETRY_BASE_SECONDS = 1
    yield server
    server.stop()


@pytest.fixture
def mailbox(settings: Any, gateway: FakeSmsGateway) -> Iterator[Mailbox]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.SMTP_HOST = "127.0.0.1"
    settings.SMTP_PORT = port
    settings.SMTP_TLS = "none"
    settings.SMTP_FROM = "xinfang@xihu.example.gov.cn"
    settings.SMTP_TIMEOUT = 2.0
    yield handler
    controller.stop()


@pytest.fixture
def people(tree: OrgTree) -> People:
    return make_people(tree)


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Runs what the step registered for after its commit (the case_changed signal)."""

    def run(action: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def register(people: People, tree: OrgTree, committed: Any, token: str = "n-1", **overrides: Any) -> Case:  # noqa: S107
    client = client_for(people.registrar)
    response = committed(
        client.post, "/register/", registration_post(tree.township_a, token=token, **overrides)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.objects.get(submission_token=token)


def run_due_retries(huey: Any) -> int:
    """The consumer's part: wait until the scheduled retries are due, then run them."""
    scheduled = huey.scheduled()
    if not scheduled:
        return 0
    latest = max(task.eta for task in scheduled)
    wait = (latest - datetime.now(UTC).replace(tzinfo=None)).total_seconds()
    time.sleep(max(wait, 0) + 0.05)
    due = huey.read_schedule(datetime.now(UTC).replace(tzinfo=None))
    for task in due:
        huey.execute(task)
    return len(due)


def sms_texts(gateway: FakeSmsGateway) -> list[str]:
    return [sms.text for sms in gateway.messages]


# -- each step told once ------------------------------------------------------------------------


def test_each_step_reaches_the_petitioner_once_by_sms(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any
) -> None:
    case = register(people, tree, committed)
    registrar = client_for(people.registrar)
    committed(step, registrar, case, "transfer", target_org=tree.housing.pk, note="请依法办理")
    committed(step, client_for(people.housing_handler), case, "accept", note="")
    head = client_for(people.housing_head)
    committed(step, head, case, "extend", days="30", reason="需会同人社部门调查核实")
    committed(step, head, case, "reply", **REPLY)

    texts = sms_texts(gateway)
    assert len(texts) == 5 and gateway.requests == 5
    assert {sms.to for sms in gateway.messages} == {PHONE}
    assert len({sms.idempotency_key for sms in gateway.messages}) == 5
    registered, transferred, accepted, extended, replied = texts
    registered_on = chinese_date(timezone.localdate())
    assert registered == (
        f"您的信访事项已于{registered_on}登记，编号{case.number}。查询方式：可登录网上信访平台凭编号和查询码"
        f"查询办理进度，也可向{tree.bureau.full_name}咨询。"
    )
    assert transferred == f"您的信访事项（编号{case.number}）已转送至{tree.housing.full_name}办理。"
    handling = Deadline.objects.filter(case=case, kind="handling").get()
    assert f"已由{tree.housing.full_name}受理" in accepted
    assert f"延期至{chinese_date(handling.due_on)}，理由：需会同人社部门调查核实" in extended
    assert replied.startswith(f"您的信访事项（编号{case.number}）已出具信访处理意见书")
    for text in texts:  # nothing personal, nothing of the matter itself
        for secret in (ID_NUMBER, PHONE, "文三路", "拖欠", "李四", case.title):
            assert secret not in text

    deliveries = Delivery.objects.filter(case=case)
    assert [d.event for d in deliveries] == [
        Event.REGISTERED,
        Event.TRANSFERRED,
        Event.ACCEPTED,
        Event.EXTENDED,
        Event.REPLIED,
    ]
    assert {(d.status, d.attempts, d.channel) for d in deliveries} == {(DeliveryStatus.SENT, 1, "sms")}
    assert all(d.provider_message_id.startswith("fake-") and d.sent_at for d in deliveries)
    assert deliveries[1].requested_by == people.registrar

    page = registrar.get(f"/cases/{case.pk}/").content.decode()
    assert "通知记录" in page and PHONE_MASK in page and PHONE not in page
    assert page.count('class="notification-sent"') == 5

    # The admin shows what was sent to whom, by mask only.
    admin = Client()
    admin.force_login(
        User.objects.create_superuser(
            username="root", password=TEST_PASSWORD, organisation=tree.bureau, role=Role.ADMIN
        )
    )
    page = admin.get(f"/admin/notifications/delivery/{deliveries[0].pk}/change/").content.decode()
    assert PHONE_MASK in page and case.number in page
    assert PHONE not in page and deliveries[0].recipient_cipher not in page


def test_a_landline_gets_no_sms_and_nothing_is_queued_when_notifications_are_off(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any, settings: Any
) -> None:
    landline = {
        "role": "principal",
        "name": "王五",
        "id_number": make_id_number(seq=322),
        "phones": "0571-87654321",
        "address": "西湖区文三路100号",
    }
    case = register(people, tree, committed, token="n-land", petitioners=[landline])
    assert not Delivery.objects.filter(case=case).exists() and gateway.requests == 0

    settings.NOTIFY_CHANNELS = []
    case = register(people, tree, committed, token="n-off")
    assert not Delivery.objects.filter(case=case).exists() and gateway.requests == 0


# -- retries, backoff, nothing twice --------------------------------------------------------------


@pytest.mark.parametrize("mode", ["down", "lost", "slow"])
def test_a_failed_attempt_is_retried_after_a_backoff_and_delivered_once(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any, queue: Any, mode: str
) -> None:
    gateway.fail_next(1, mode=mode)
    case = register(people, tree, committed)
    delivery = Delivery.objects.get(case=case)
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "E9205" in delivery.last_error and PHONE not in delivery.last_error
    assert delivery.last_attempt_at is not None and delivery.next_attempt_at is not None
    assert delivery.next_attempt_at - delivery.updated_at == timedelta(seconds=1)  # from the failure
    assert len(queue.scheduled()) == 1  # the retry waits in the queue's schedule
    # Run before its time (a duplicate job, a stray sweep), the attempt is not made early.
    deliver_notification(delivery.pk)
    assert gateway.requests == 1

    assert run_due_retries(queue) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert gateway.requests == 2 and len(gateway.messages) == 1
    assert delivery.provider_message_id == gateway.messages[0].message_id
    if mode in ("lost", "slow"):  # the gateway had it the first time: the key kept it single
        assert gateway.messages[0].idempotency_key == delivery.idempotency_key

    # The job run again, or the queue running what is left: nothing more is sent.
    deliver_notification(delivery.pk)
    assert run_due_retries(queue) == 0
    assert gateway.requests == 2 and len(gateway.messages) == 1
    page = client_for(people.registrar).get(f"/cases/{case.pk}/").content.decode()
    row = page.split('class="notification-sent"', 1)[1].split("</tr>", 1)[0]
    assert "已发送" in row and "<td>2</td>" in row


def test_the_backoff_doubles_and_the_last_attempt_marks_the_delivery_failed(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any, queue: Any, settings: Any
) -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [1, 2, 4]
    settings.NOTIFY_MAX_ATTEMPTS = 2
    gateway.fail_next(2, mode="down")
    case = register(people, tree, committed)
    assert run_due_retries(queue) == 1
    delivery = Delivery.objects.get(case=case)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 2)
    assert delivery.next_attempt_at is None and "E9205" in delivery.last_error
    assert not queue.scheduled() and gateway.messages == []
    page = client_for(people.registrar).get(f"/cases/{case.pk}/").content.decode()
    assert 'class="notification-failed"' in page and "发送失败" in page


def test_a_refused_message_is_not_retried_and_its_error_names_no_number(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any, queue: Any
) -> None:
    gateway.fail_next(1, mode="refuse")
    case = register(people, tree, committed)
    delivery = Delivery.objects.get(case=case)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert "E9204" in delivery.last_error and "HTTP 400" in delivery.last_error
    assert PHONE not in delivery.last_error
    assert not queue.scheduled() and gateway.requests == 1


def test_a_repeated_signal_or_job_sends_nothing_more(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any
) -> None:
    case = register(people, tree, committed)
    assert gateway.requests == 1
    for _ in range(2):
        case_changed.send(sender=None, case_id=case.pk, code="registered", actor_id=people.registrar.pk)
    seq = case.events.get(kind="registered").seq
    queue_case_event_notifications(case.pk, seq, people.registrar.pk)
    delivery = Delivery.objects.get(case=case)
    deliver_notification(delivery.pk)
    assert gateway.requests == 1 and len(gateway.messages) == 1
    assert Delivery.objects.filter(case=case).count() == 1

    # A second transfer (after the unit objected) is a new occurrence, told once more.
    registrar = client_for(people.registrar)
    committed(step, registrar, case, "transfer", target_org=tree.housing.pk, note="")
    committed(step, client_for(people.housing_handler), case, "object", reason="不属于本单位职责")
    committed(step, registrar, case, "transfer", target_org=tree.township_b.pk, note="")
    case_changed.send(sender=None, case_id=case.pk, code="transfer", actor_id=people.registrar.pk)
    transfers = [text for text in sms_texts(gateway) if "已转送至" in text]
    assert transfers == [
        f"您的信访事项（编号{case.number}）已转送至{tree.housing.full_name}办理。",
        f"您的信访事项（编号{case.number}）已转送至{tree.township_b.full_name}办理。",
    ]


def test_a_delivery_whose_job_was_lost_is_queued_again_by_the_sweep(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any
) -> None:
    gateway.fail_next(1, mode="down")
    case = register(people, tree, committed)
    # The consumer restarted and its in-memory schedule (the retry) is gone; time has passed.
    HUEY.flush()
    Delivery.objects.filter(case=case).update(next_attempt_at=clock.now() - timedelta(minutes=20))
    assert requeue_stalled_deliveries.call_local() == 1
    assert requeue_stalled_deliveries.call_local() == 0
    delivery = Delivery.objects.get(case=case)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert len(gateway.messages) == 1


# -- email over SMTP ---------------------------------------------------------------------------


def test_email_goes_through_smtp_once_even_after_a_temporary_refusal(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, mailbox: Mailbox, committed: Any, queue: Any
) -> None:
    case = register(people, tree, committed)
    registered = case.events.get(kind="registered")
    recipient = email_recipient("zhang.san@example.org")
    mailbox.fail_next = 1

    def queue_email() -> list[Delivery]:
        created = do_queue_notifications(
            actor=None, case=case, event=Event.REGISTERED, case_event=registered, recipients=[recipient]
        )
        for delivery in created:
            deliver_notification(delivery.pk)
        return created

    [delivery] = queue_email()
    delivery.refresh_from_db()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", DeliveryStatus.PENDING, 1)
    assert "E9207" in delivery.last_error and delivery.recipient_mask == "z***@example.org"
    assert "zhang.san" not in delivery.recipient_cipher
    assert run_due_retries(queue) == 1
    assert queue_email() == []  # queued again: nothing new
    deliver_notification(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert mailbox.transactions == 2 and len(mailbox.messages) == 1
    [email] = mailbox.messages
    assert email["To"] == "zhang.san@example.org" and email["From"] == "xinfang@xihu.example.gov.cn"
    assert email["Subject"] == f"信访事项办理进展（{case.number}）"
    assert email["Message-ID"] == f"<{delivery.idempotency_key}@xihu.example.gov.cn>"
    assert email["Message-ID"] == delivery.provider_message_id
    body = email.get_content()
    assert case.number in body and delivery.text in body
    assert len(gateway.messages) == 1  # the SMS of the same registration, also once


# -- accusations --------------------------------------------------------------------------------


def test_an_accusation_is_told_in_neutral_words_only(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any
) -> None:
    case = register(
        people,
        tree,
        committed,
        token="n-acc",
        category="accusation",
        title="举报北山街道某干部收受贿赂",
        request="请求查处北山街道干部受贿问题",
        accused="北山街道某干部",
        accused_org=str(tree.township_a.pk),
    )
    committed(step, client_for(people.registrar), case, "send_to_discipline", note="请依纪依法处理")
    committed(step, client_for(people.discipline_handler), case, "accept", note="")
    assert sms_texts(gateway) == [
        f"您反映的事项已登记，编号{case.number}。可登录网上信访平台凭编号和查询码查询办理进度。",
        f"您反映的事项（编号{case.number}）有新的办理进展，可登录网上信访平台凭编号和查询码查询办理进度。",
        f"您反映的事项（编号{case.number}）有新的办理进展，可登录网上信访平台凭编号和查询码查询办理进度。",
    ]
    for text in sms_texts(gateway):
        for telling in ("检举", "控告", "举报", "纪委", "监委", "信访局", "北山", "受贿", "受理", "转送"):
            assert telling not in text


@pytest.mark.parametrize("event", list(Event))
def test_every_template_is_neutral_for_an_accusation_and_names_the_case(event: Event) -> None:
    context = MessageContext(
        event=event,
        number="XF-330106-2026-000001",
        accusation=True,
        org_name="西湖区纪委监委",
        day=timezone.localdate(),
        reason="经查被举报人王某涉嫌受贿",
        legal_route="诉讼",
    )
    message = notify_message(context)
    assert "XF-330106-2026-000001" in message.text and "XF-330106-2026-000001" in message.subject
    assert message.text.startswith("您反映的事项")
    for telling in ("纪委", "王某", "受贿", "举报", "诉讼"):
        assert telling not in message.text
    plain = notify_message(dataclasses.replace(context, accusation=False))
    assert plain.text.startswith("您的信访事项")


def test_free_text_in_a_message_has_numbers_removed_and_is_cut_short() -> None:
    reason = f"已约谈当事人（电话13800001111，身份证{ID_NUMBER}），" + "需进一步调查核实" * 10
    text = notify_message(
        MessageContext(event=Event.EXTENDED, number="XF-1", day=timezone.localdate(), reason=reason)
    ).text
    assert "13800001111" not in text and ID_NUMBER not in text and "［已隐去］" in text
    assert text.endswith("…。") and len(text) < 120


# -- the review window closing ------------------------------------------------------------------


def test_the_review_window_reminder_goes_out_once_when_the_window_is_near(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, committed: Any, settings: Any
) -> None:
    case = register(people, tree, committed)
    committed(step, client_for(people.registrar), case, "transfer", target_org=tree.housing.pk, note="")
    committed(step, client_for(people.housing_handler), case, "accept", note="")
    committed(step, client_for(people.housing_head), case, "reply", **REPLY)
    window = Deadline.objects.get(case=case, kind="review_request", petitioner_window=True)
    days_left = (window.due_on - timezone.localdate()).days
    before = len(gateway.messages)

    settings.NOTIFY_WINDOW_DAYS = days_left - 1  # not yet near
    # call_local: the periodic job's own body, as the consumer runs it (its deliveries go to the queue).
    assert remind_closing_windows_daily.call_local() == 0
    settings.NOTIFY_WINDOW_DAYS = days_left
    assert remind_closing_windows_daily.call_local() == 1
    assert remind_closing_windows_daily.call_local() == 0  # the next day's run, or a second consumer
    reminders = sms_texts(gateway)[before:]
    assert reminders == [
        f"您的信访事项（编号{case.number}）申请复查的期限将于{chinese_date(window.due_on)}届满，"
        "如需申请，请在期限内提出。"
    ]
    delivery = Delivery.objects.get(case=case, event=Event.WINDOW_CLOSING)
    assert delivery.deadline == window and delivery.status == DeliveryStatus.SENT
    assert delivery.requested_by is None


# -- configuration ------------------------------------------------------------------------------


def test_a_wrong_channel_setting_is_reported_at_startup(settings: Any) -> None:
    settings.NOTIFY_CHANNELS = ["sms", "fax", "email"]
    settings.SMS_GATEWAY_URL = ""
    settings.SMTP_HOST = ""
    ids = {message.id for message in checks.run_checks()}
    assert {"notifications.E9201", "notifications.E9202", "notifications.E9203"} <= ids


def test_a_registered_email_is_told_once_by_email(
    people: People, tree: OrgTree, gateway: FakeSmsGateway, mailbox: Mailbox, committed: Any
) -> None:
    person = {
        "role": "principal",
        "name": "李四",
        "id_number": ID_NUMBER,
        "phones": PHONE,
        "email": "li.si@example.org",
    }
    case = register(people, tree, committed, token="n-mail", petitioners=[person])

    by_channel = {d.channel: d for d in Delivery.objects.filter(case=case)}
    assert set(by_channel) == {"sms", "email"}
    delivery = by_channel["email"]
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.recipient_mask == "li***@example.org" and "li.si" not in delivery.recipient_cipher
    assert delivery.petitioner_id == case.parties.get().petitioner_id
    [email] = mailbox.messages
    assert email["To"] == "li.si@example.org" and email["Subject"] == f"信访事项办理进展（{case.number}）"
    assert delivery.text in email.get_content()
    assert [sms.to for sms in gateway.messages] == [PHONE]

    # The job queued again sends nothing more.
    queue_case_event_notifications(case.pk, case.events.get(kind="registered").seq, None)
    assert len(mailbox.messages) == 1 and Delivery.objects.filter(case=case).count() == 2
