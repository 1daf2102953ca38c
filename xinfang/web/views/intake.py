"""The suggestion panel: on the registration form while the registrar types (HTMX POST of the
form so far) and on the case page (HTMX GET). Read-only: accepting is done by the form that
registers the case, with the signed tokens the panel hands out (analysis.actions)."""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from xinfang.analysis.actions import suggestion_token
from xinfang.analysis.backends.topic import topics_for
from xinfang.analysis.intake import (
    Draft,
    EarlierCase,
    IntakeSuggestions,
    PersonDraft,
    draft_of_case,
    suggest_for_draft,
)
from xinfang.analysis.interfaces import Suggestion
from xinfang.analysis.models import Capability
from xinfang.cases.access import access_case
from xinfang.cases.models import Category
from xinfang.core import crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import User
from xinfang.orgs.roles import CAN_REGISTER
from xinfang.orgs.scoping import regions_in_scope
from xinfang.people.identity import normalise_id_number
from xinfang.web.forms import PHONE_SPLIT
from xinfang.web.views.common import current_user, login_required

_PERSON_FIELD = re.compile(r"^p-(\d+)-(name|id_number|phones|address)$")
MAX_PEOPLE = 20


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def draft_from_form(user: User, data: Any) -> Draft:
    """The registration form as typed so far; nothing is validated, nothing is kept."""
    region_id = data.get("place_region") or ""
    region = regions_in_scope(user).filter(pk=region_id).first() if region_id.isdigit() else None
    people: dict[int, PersonDraft] = {}
    for key in data:
        match = _PERSON_FIELD.match(key)
        if match is None or int(match.group(1)) >= MAX_PEOPLE:
            continue
        person = people.setdefault(int(match.group(1)), PersonDraft())
        value = str(data.get(key, "")).strip()[:200]
        if match.group(2) == "phones":
            person.phones = [p for p in PHONE_SPLIT.split(value) if p]
        elif match.group(2) == "id_number":
            person.id_number = normalise_id_number(value) if len(normalise_id_number(value)) == 18 else ""
        else:
            setattr(person, match.group(2), value)
    return Draft(
        title=str(data.get("title", ""))[:200],
        facts=str(data.get("facts", ""))[:20_000],
        request=str(data.get("request", ""))[:5_000],
        place_region=region,
        place_address=str(data.get("place_address", ""))[:200],
        accused=str(data.get("accused", ""))[:200],
        channel=str(data.get("channel", "")),
        head_count=max(1, _int(data.get("head_count"), 1)),
        people=[people[index] for index in sorted(people)],
    )


def _offers(user: User, capability: str, items: list[Suggestion], version: str) -> list[dict[str, Any]]:
    return [
        {"suggestion": item, "token": suggestion_token(user, capability, item, version)} for item in items
    ]


def _earlier_offers(
    user: User, capability: str, items: list[EarlierCase], version: str
) -> list[dict[str, Any]]:
    offers = []
    for item in items:
        suggestion = Suggestion(
            str(item.case_id), item.number, max(item.similarity, 0.0), "；".join(item.reasons)
        )
        offers.append({"case": item, "token": suggestion_token(user, capability, suggestion, version)})
    return offers


def _context(user: User, result: IntakeSuggestions, *, on_form: bool) -> dict[str, Any]:
    topics = _offers(user, Capability.TOPIC, result.topics, result.topic_version)
    topic_ids = topics_for([offer["suggestion"].value for offer in topics])
    for offer in topics:
        offer["topic_id"] = topic_ids.get(offer["suggestion"].value)
    similar = [{"case": item} for item in result.similar]
    return {
        "result": result,
        "on_form": on_form,
        "category_values": set(Category.values),
        "topics": topics,
        "kinds": _offers(user, Capability.KIND, result.kinds, result.kind_version),
        "units": _offers(user, Capability.UNIT, result.units, result.unit_version),
        "same_person": _earlier_offers(
            user, Capability.SAME_PERSON, result.same_person, result.person_version
        ),
        "earlier_sections": [
            {
                "key": "same-person",
                "title": "同一信访人的前案",
                "capability": Capability.SAME_PERSON,
                "acceptable": True,
                "offers": _earlier_offers(
                    user, Capability.SAME_PERSON, result.same_person, result.person_version
                ),
            },
            {
                "key": "same-matter",
                "title": "同一事项的前案",
                "capability": Capability.SAME_MATTER,
                "acceptable": True,
                "offers": _earlier_offers(
                    user, Capability.SAME_MATTER, result.same_matter, result.matter_version
                ),
            },
            {"key": "similar", "title": "相似案件及其答复", "acceptable": False, "offers": similar},
        ],
    }


@login_required
@require_POST
def registration_suggestions(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_REGISTER:
        raise XinfangError(ErrorCode.NOT_ALLOWED_TO_REGISTER)
    result = suggest_for_draft(user, draft_from_form(user, request.POST))
    response = render(request, "web/_intake_panel.html", _context(user, result, on_form=True))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def case_suggestions(request: HttpRequest, case_id: int) -> HttpResponse:
    user = current_user(request)
    case = access_case(user, case_id)
    people = []
    for party in case.parties.select_related("petitioner").prefetch_related("petitioner__phones"):
        petitioner = party.petitioner
        if petitioner.is_anonymous:
            continue
        # Decrypted for matching only, never shown: the panel shows case numbers and reasons.
        people.append(
            PersonDraft(
                name=petitioner.name,
                id_number=crypto.decrypt(petitioner.id_number_cipher),
                phones=[crypto.decrypt(phone.cipher) for phone in petitioner.phones.all()],
                address=crypto.decrypt(petitioner.address_cipher),
            )
        )
    draft = draft_of_case(case)
    draft.people = people
    # The reply page asks for the earlier answers only, to keep this one consistent.
    earlier_only = request.GET.get("earlier") == "1"
    result = suggest_for_draft(user, draft, earlier_only=earlier_only)
    # Earlier cases only: the case page is not the place to pick a topic again.
    result.same_person = [e for e in result.same_person if e.received_at <= case.received_at]
    result.same_matter = [e for e in result.same_matter if e.received_at <= case.received_at]
    context = {**_context(user, result, on_form=False), "earlier_only": earlier_only}
    response = render(request, "web/_intake_panel.html", context)
    response["Cache-Control"] = "no-store"
    return response
