"""Accepting a suggestion: the only write of the analysis app.

The suggestion panel gives each suggestion a signed token (`suggestion_token`): what it
suggested, with what confidence, from which model version, to which user. When the
registrar accepts one, the page keeps the token with the form; the registration (or the
routing step) hands the tokens to `do_record_accepted_suggestions`, which keeps only what the
case really took (a topic accepted and then changed by hand was not accepted), and records
each with its version in AcceptedSuggestion and one history event.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.core import signing

from xinfang.analysis.interfaces import Suggestion
from xinfang.analysis.models import AcceptedSuggestion, Capability
from xinfang.cases import events
from xinfang.cases.access import cases_visible_to
from xinfang.cases.models import Case
from xinfang.documents.kinds import DocumentKind
from xinfang.documents.models import CaseDocument
from xinfang.orgs.models import User

logger = logging.getLogger(__name__)

SALT = "xinfang.analysis.suggestion"
EARLIER_CASE_LABELS: dict[str, str] = {
    Capability.SAME_PERSON: "认定为同一信访人的重复信访",
    Capability.SAME_MATTER: "认定为同一事项的重复信访",
}
TOKEN_MAX_AGE = 24 * 3600  # a registration form left open overnight is still accepted


@dataclass(frozen=True)
class OfferedSuggestion:
    capability: str
    value: str
    label: str
    confidence: float
    version: str
    reason: str = ""


def suggestion_token(user: User, capability: str, suggestion: Suggestion, version: str) -> str:
    payload = {
        "u": user.pk,
        "c": capability,
        "v": suggestion.value,
        "l": suggestion.label[:200],
        "p": suggestion.confidence,
        "ver": version[:80],
        "r": suggestion.reason[:300],
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read_suggestion_tokens(user: User, tokens: list[str]) -> list[OfferedSuggestion]:
    """The suggestions behind these tokens; forged, expired or another user's tokens are dropped."""
    offered = []
    for token in tokens[:20]:
        try:
            payload: dict[str, Any] = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
        except signing.BadSignature:
            logger.warning("suggestion token refused (bad signature or expired)")
            continue
        if payload.get("u") != user.pk or payload.get("c") not in Capability.values:
            continue
        offered.append(
            OfferedSuggestion(
                capability=str(payload["c"]),
                value=str(payload["v"]),
                label=str(payload["l"]),
                confidence=float(payload["p"]),
                version=str(payload["ver"]),
                reason=str(payload.get("r", "")),
            )
        )
    return offered


def _taken(case: Case, actor: User, offered: OfferedSuggestion) -> bool:
    """Did the case take what was suggested?"""
    if offered.capability == Capability.TOPIC:
        full_name = case.topic.full_name
        return full_name == offered.value or full_name.startswith(offered.value + " › ")
    if offered.capability == Capability.KIND:
        return case.category == offered.value
    if offered.capability == Capability.UNIT:
        return str(case.responsible_org_id) == offered.value
    if offered.capability == Capability.REPLY_DRAFT:
        # The handler started from this case's draft and the 信访处理意见书 went out (what it says is theirs).
        return (
            offered.value == str(case.pk)
            and CaseDocument.objects.filter(case=case, kind=DocumentKind.REPLY).exists()
        )
    if offered.capability in (Capability.SAME_PERSON, Capability.SAME_MATTER):
        return (
            offered.value.isdigit()
            and int(offered.value) != case.pk
            and cases_visible_to(actor).filter(pk=int(offered.value)).exists()
        )
    return False


def do_record_accepted_suggestions(*, actor: User, case: Case, offered: list[OfferedSuggestion]) -> int:
    """Inside the registering (routing, replying) transaction. Returns how many were recorded.

    Accepting an earlier case as the same person's or the same matter's marks the case as a
    repeat petition (重复信访)."""
    taken = []
    seen: set[tuple[str, str]] = set()
    for item in offered:
        if (item.capability, item.value) in seen or not _taken(case, actor, item):
            continue
        seen.add((item.capability, item.value))
        taken.append(item)
    if not taken:
        return 0
    # An earlier case is named by id only: its number and why it matched (an accused, a place)
    # would stay in this case's history and archive, read later by people who may not see it.
    taken = [
        OfferedSuggestion(
            item.capability, item.value, EARLIER_CASE_LABELS[item.capability], item.confidence, item.version
        )
        if item.capability in EARLIER_CASE_LABELS
        else item
        for item in taken
    ]
    AcceptedSuggestion.objects.bulk_create(
        AcceptedSuggestion(
            case=case,
            capability=item.capability,
            value=item.value,
            label=item.label,
            confidence=item.confidence,
            version=item.version,
            reason=item.reason,
            accepted_by=actor,
        )
        for item in taken
    )
    if any(item.capability in (Capability.SAME_PERSON, Capability.SAME_MATTER) for item in taken):
        if not case.is_repeat:
            Case.objects.filter(pk=case.pk).update(is_repeat=True)
            case.is_repeat = True
    events.record_suggestions_accepted(
        case,
        actor,
        [
            {
                "capability": item.capability,
                "capability_label": Capability(item.capability).label,
                "value": "" if item.capability in EARLIER_CASE_LABELS else item.value,
                "label": item.label,
                "confidence": item.confidence,
                "version": item.version,
            }
            for item in taken
        ],
    )
    return len(taken)
