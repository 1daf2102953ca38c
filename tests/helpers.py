"""Shared helpers for tests that post the staff forms."""

from typing import Any

from django.utils import timezone

from xinfang.cases.models import Topic
from xinfang.orgs.models import Organisation
from xinfang.testing.factories import make_id_number

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00" + b"\x00" * 64


def registration_post(
    place: Organisation,
    *,
    channel: str = "visit",
    petitioners: list[dict[str, str]] | None = None,
    token: str = "tok-1",  # noqa: S107 - a submission token, not a password
    **overrides: Any,
) -> dict[str, Any]:
    topic = Topic.objects.filter(level=3).order_by("id").first()
    assert topic is not None
    data: dict[str, Any] = {
        "channel": channel,
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": "appeal",
        "topic": str(topic.pk),
        "place_region": str(place.pk),
        "place_address": "文三路100号",
        "accused": "某建筑公司",
        "title": "工地拖欠农民工工资",
        "facts": "在工地务工半年，工资一直未结清。",
        "request": "请求督促支付拖欠工资",
        "head_count": "1",
        "submission_token": token,
    }
    if channel == "handed_down":
        data["handed_down_from"] = "杭州市信访局"
        data["handed_down_doc_no"] = "杭信交〔2026〕12号"
    if channel == "leader_reception":
        data["reception_leader"] = "王副区长"
    people = (
        petitioners
        if petitioners is not None
        else [
            {
                "role": "principal",
                "name": "李四",
                "id_number": make_id_number(seq=321),
                "phones": "13912345678",
                "address": "西湖区文三路100号3幢201室",
            }
        ]
    )
    data["p-TOTAL_FORMS"] = str(len(people))
    data["p-INITIAL_FORMS"] = "0"
    data["p-MIN_NUM_FORMS"] = "0"
    data["p-MAX_NUM_FORMS"] = "1000"
    for index, person in enumerate(people):
        for key, value in person.items():
            data[f"p-{index}-{key}"] = value
    data.update(overrides)
    return data


def representative(seq: int) -> dict[str, str]:
    return {
        "role": "representative",
        "name": f"代表{seq}",
        "id_number": make_id_number(seq=400 + seq),
        "phones": f"1380000{seq:04d}",
        "address": "西溪街道某村",
    }
