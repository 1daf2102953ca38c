"""Registration through the staff form, as a registrar uses it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from tests.helpers import EXE_BYTES, PNG_BYTES, registration_post, representative
from xinfang.cases.models import Case, Channel
from xinfang.orgs.roles import Role
from xinfang.testing.factories import TEST_PASSWORD, OrgTree, make_id_number, make_user


@pytest.fixture
def registrar_client(client: Client, tree: OrgTree) -> Client:
    make_user(tree.bureau, Role.REGISTRAR, "reg")
    assert client.login(username="reg", password=TEST_PASSWORD)
    return client


def assert_rejected_keeping_input(response, code: str) -> None:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    assert response.status_code == 400
    assert code in body, body[:3000]
    # What was typed is still there.
    assert "工地拖欠农民工工资" in body
    assert Case.objects.count() == 0


@pytest.mark.parametrize("channel", [c.value for c in Channel])
def test_each_channel_registers_one_case(registrar_client: Client, tree: OrgTree, channel: str) -> None:
    response = registrar_client.post("/register/", registration_post(tree.township_a, channel=channel))
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert case.channel == channel
    assert response["Location"] == f"/cases/{case.pk}/"
    page = registrar_client.get(response["Location"]).content.decode()
    assert case.number in page and "李四" in page
    assert make_id_number(seq=321) not in page  # masked on the case page until revealed


def test_channel_specific_field_required(registrar_client: Client, tree: OrgTree) -> None:
    data = registration_post(tree.township_a, channel="handed_down", handed_down_from="")
    assert_rejected_keeping_input(registrar_client.post("/register/", data), "E2007")


def test_collective_visit_needs_representatives(registrar_client: Client, tree: OrgTree) -> None:
    data = registration_post(tree.township_a, head_count="30")
    assert_rejected_keeping_input(registrar_client.post("/register/", data), "E2004")

    too_many = registration_post(
        tree.township_a, head_count="30", petitioners=[representative(i) for i in range(6)]
    )
    assert_rejected_keeping_input(registrar_client.post("/register/", too_many), "E2005")

    ok = registration_post(
        tree.township_a, head_count="30", petitioners=[representative(i) for i in range(5)]
    )
    assert registrar_client.post("/register/", ok).status_code == 302
    case = Case.objects.get()
    assert case.is_collective and case.head_count == 30 and case.parties.count() == 5


@pytest.mark.parametrize(
    ("person", "code"),
    [
        ({"id_number": "330106198001011234"}, "E1002"),  # wrong check digit
        ({"id_number": "33010619801301123X"}, "E1003"),  # month 13
        ({"id_number": "3301061980"}, "E1001"),
        ({"phones": "1234"}, "E1004"),
        ({"name": ""}, "E1005"),
        ({"email": "zhangsan@@example"}, "E1006"),
    ],
)
def test_bad_identity_is_refused_with_code(
    registrar_client: Client, tree: OrgTree, person: dict[str, str], code: str
) -> None:
    base = {
        "role": "principal",
        "name": "李四",
        "id_number": make_id_number(seq=321),
        "phones": "13912345678",
    }
    data = registration_post(tree.township_a, petitioners=[{**base, **person}])
    assert_rejected_keeping_input(registrar_client.post("/register/", data), code)


def test_future_date_and_empty_request_refused(registrar_client: Client, tree: OrgTree) -> None:
    future = registration_post(tree.township_a, received_at="2099-01-01T10:00")
    assert_rejected_keeping_input(registrar_client.post("/register/", future), "E2001")
    empty = registration_post(tree.township_a, request="   ")
    assert_rejected_keeping_input(registrar_client.post("/register/", empty), "E2003")


def test_anonymous_only_for_accusations(registrar_client: Client, tree: OrgTree) -> None:
    anonymous = [{"role": "principal", "is_anonymous": "on"}]
    data = registration_post(tree.township_a, petitioners=anonymous)
    assert_rejected_keeping_input(registrar_client.post("/register/", data), "E2008")
    accusation = registration_post(tree.township_a, petitioners=anonymous, category="accusation")
    assert registrar_client.post("/register/", accusation).status_code == 302


def test_disguised_executable_refused(registrar_client: Client, tree: OrgTree) -> None:
    data = registration_post(tree.township_a)
    data["attachments"] = SimpleUploadedFile("photo.jpg", EXE_BYTES, content_type="image/jpeg")
    assert_rejected_keeping_input(registrar_client.post("/register/", data), "E3003")


def test_oversized_upload_refused(registrar_client: Client, tree: OrgTree, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENT_MAX_BYTES = 1000
    data = registration_post(tree.township_a)
    data["attachments"] = SimpleUploadedFile("scan.png", PNG_BYTES + b"\x00" * 2000, content_type="image/png")
    assert_rejected_keeping_input(registrar_client.post("/register/", data), "E3001")


def test_upload_survives_a_form_error(registrar_client: Client, tree: OrgTree) -> None:
    data = registration_post(tree.township_a, request="")
    data["attachments"] = SimpleUploadedFile("scan.png", PNG_BYTES, content_type="image/png")
    response = registrar_client.post("/register/", data)
    assert_rejected_keeping_input(response, "E2003")
    token = response.context["staged"][0].token
    assert "scan.png" in response.content.decode()

    fixed = registration_post(tree.township_a, staged_uploads=[token])
    assert registrar_client.post("/register/", fixed).status_code == 302
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.original_name == "scan.png" and attachment.content_type == "image/png"
    download = registrar_client.get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG_BYTES  # type: ignore[attr-defined]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]


def test_markup_is_stored_as_text_and_escaped(registrar_client: Client, tree: OrgTree) -> None:
    script = "<script>alert(1)</script>"
    fields = {name: f"{script}内容" for name in ["title", "facts", "request", "place_address", "accused"]}
    person = {"role": "principal", "name": f"{script}", "phones": "13912345678", "address": script}
    data = registration_post(tree.township_a, petitioners=[person], **fields)
    response = registrar_client.post("/register/", data, follow=True)
    case = Case.objects.get()
    assert case.title == f"{script}内容"
    body = response.content.decode()
    assert script not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;内容" in body
    ledger = registrar_client.get("/ledger/").content.decode()
    assert script not in ledger


def test_double_submit_makes_one_case(registrar_client: Client, tree: OrgTree) -> None:
    data = registration_post(tree.township_a, token="same-token")
    first = registrar_client.post("/register/", data)
    second = registrar_client.post("/register/", data)
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_role_without_registration_right_is_refused(client: Client, tree: OrgTree) -> None:
    make_user(tree.bureau, Role.LEADER, "leader")
    client.login(username="leader", password=TEST_PASSWORD)
    response = client.post("/register/", registration_post(tree.township_a))
    assert response.status_code == 403
    assert "E2012" in response.content.decode()
    assert Case.objects.count() == 0


def test_petitioner_region_is_recorded(registrar_client: Client, tree: OrgTree) -> None:
    person = {"role": "principal", "name": "李四", "phones": "13912345678", "region": str(tree.village_a.pk)}
    data = registration_post(tree.township_a, petitioners=[person])
    assert registrar_client.post("/register/", data).status_code == 302
    assert Case.objects.get().parties.get().petitioner.region == tree.village_a


def test_repeat_petitioner_is_flagged(registrar_client: Client, tree: OrgTree) -> None:
    registrar_client.post("/register/", registration_post(tree.township_a, token="a"))
    registrar_client.post("/register/", registration_post(tree.township_a, token="b"))
    first, second = Case.objects.order_by("id")
    assert not first.is_repeat and second.is_repeat
    assert first.parties.get().petitioner_id == second.parties.get().petitioner_id


EMAIL = "zhangsan@example.com"


def test_an_email_is_stored_encrypted_and_shown_masked(registrar_client: Client, tree: OrgTree) -> None:
    person = {
        "role": "principal",
        "name": "李四",
        "id_number": make_id_number(seq=321),
        "phones": "13912345678",
        "email": f" {EMAIL} ",
    }
    wrong = registration_post(tree.township_a, petitioners=[{**person, "email": "zhangsan@example"}])
    refused = registrar_client.post("/register/", wrong)
    assert_rejected_keeping_input(refused, "E1006")
    assert 'value="zhangsan@example"' in refused.content.decode()

    data = registration_post(tree.township_a, petitioners=[person])
    response = registrar_client.post("/register/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    petitioner = Case.objects.get().parties.get().petitioner
    assert petitioner.email_mask == "zh***@example.com"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_petitioner WHERE id = %s", [petitioner.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "zhangsan" not in row and petitioner.email_cipher in row

    case_page = registrar_client.get(response["Location"]).content.decode()
    assert "zh***@example.com" in case_page and EMAIL not in case_page
    revealed = registrar_client.post(f"{response['Location']}petitioners/{petitioner.pk}/reveal/")
    assert EMAIL in revealed.content.decode()

    # The same person again, with no email or another one: the recorded one stays.
    for token, email in (("again-1", ""), ("again-2", "other@example.com")):
        again = registration_post(tree.township_a, petitioners=[{**person, "email": email}], token=token)
        assert registrar_client.post("/register/", again).status_code == 302
    petitioner.refresh_from_db()
    assert petitioner.email_mask == "zh***@example.com"
    assert Case.objects.filter(parties__petitioner=petitioner).count() == 3
