"""Registration (登记): the first action on every petition, from every channel."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.analysis.actions import OfferedSuggestion, do_record_accepted_suggestions
from xinfang.cases import events, search, workflow
from xinfang.cases.models import (
    COLLECTIVE_HEAD_COUNT,
    IN_PERSON_CHANNELS,
    MAX_REPRESENTATIVES,
    Attachment,
    Case,
    CaseParty,
    Category,
    Channel,
    PartyRole,
    StagedUpload,
    Topic,
)
from xinfang.cases.numbering import next_case_number
from xinfang.cases.signals import send_case_changed_on_commit
from xinfang.cases.uploads import StoredFile
from xinfang.core import clock, crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import CAN_REGISTER
from xinfang.orgs.scoping import is_skip_level
from xinfang.people.actions import PetitionerInput, do_record_petitioner
from xinfang.people.models import Petitioner, PetitionerPhone

EARLIEST_RECEIVED = datetime(2000, 1, 1, tzinfo=timezone.get_fixed_timezone(480))
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class PartyInput:
    petitioner: PetitionerInput
    role: str = PartyRole.PRINCIPAL


@dataclass
class RegistrationInput:
    channel: str
    received_at: datetime
    category: str
    topic: Topic
    place_region: Organisation
    title: str
    request: str
    parties: list[PartyInput]
    facts: str = ""
    place_address: str = ""
    accused: str = ""
    accused_org: Organisation | None = None
    head_count: int = 1
    handed_down_from: str = ""
    handed_down_doc_no: str = ""
    reception_leader: str = ""
    letter_sender_postmark: str = ""
    source_reference: str = ""
    files: list[StoredFile] = field(default_factory=list)
    staged_upload_tokens: list[str] = field(default_factory=list)
    submission_token: str | None = None
    # Suggestions the registrar accepted on the form (analysis.actions.read_suggestion_tokens).
    accepted_suggestions: list[OfferedSuggestion] = field(default_factory=list)


def check_registration(data: RegistrationInput, *, actor: User) -> list[XinfangError]:
    """Every business-rule problem with the input, each tied to a form field."""
    problems: list[XinfangError] = []
    if actor.role not in CAN_REGISTER or actor.organisation_id is None:
        problems.append(XinfangError(ErrorCode.NOT_ALLOWED_TO_REGISTER))
    if data.received_at > clock.now() + CLOCK_SKEW:
        problems.append(XinfangError(ErrorCode.RECEIVED_IN_FUTURE, field="received_at"))
    if data.received_at < EARLIEST_RECEIVED:
        problems.append(XinfangError(ErrorCode.RECEIVED_TOO_OLD, field="received_at"))
    if not data.request.strip():
        problems.append(XinfangError(ErrorCode.REQUEST_REQUIRED, field="request"))
    if not 1 <= data.head_count <= 9999:
        problems.append(XinfangError(ErrorCode.HEAD_COUNT_INVALID, field="head_count"))
    elif data.head_count < len(data.parties):
        problems.append(XinfangError(ErrorCode.HEAD_COUNT_BELOW_PARTIES, field="head_count"))
    if data.topic.level != 3:
        problems.append(XinfangError(ErrorCode.TOPIC_UNKNOWN, field="topic"))
    if not data.parties:
        problems.append(XinfangError(ErrorCode.PETITIONER_REQUIRED, field="parties"))
    if any(p.petitioner.is_anonymous for p in data.parties) and data.category != Category.ACCUSATION:
        problems.append(XinfangError(ErrorCode.ANONYMOUS_ONLY_FOR_ACCUSATIONS, field="parties"))
    representatives = sum(1 for p in data.parties if p.role == PartyRole.REPRESENTATIVE)
    if is_collective(data.channel, data.head_count):
        if representatives == 0:
            problems.append(XinfangError(ErrorCode.COLLECTIVE_NEEDS_REPRESENTATIVES, field="parties"))
    if representatives > MAX_REPRESENTATIVES:
        problems.append(XinfangError(ErrorCode.TOO_MANY_REPRESENTATIVES, field="parties"))
    required_by_channel = {
        Channel.HANDED_DOWN: ("handed_down_from", "交办/转送机关"),
        Channel.LEADER_RECEPTION: ("reception_leader", "接待领导"),
    }
    if data.channel in required_by_channel:
        name, label = required_by_channel[Channel(data.channel)]
        if not str(getattr(data, name)).strip():
            problems.append(XinfangError(ErrorCode.CHANNEL_FIELD_REQUIRED, label, field=name))
    return problems


def is_collective(channel: str, head_count: int) -> bool:
    return channel in IN_PERSON_CHANNELS and head_count >= COLLECTIVE_HEAD_COUNT


def _known_before(petitioners: list[Petitioner], data: RegistrationInput) -> bool:
    """Has any of these people petitioned before (same ID record or same phone)?"""
    ids = [p.pk for p in petitioners if not p.is_anonymous]
    if CaseParty.objects.filter(petitioner_id__in=ids).exists():
        return True
    digests = [crypto.phone_index(phone) for party in data.parties for phone in party.petitioner.phones]
    return PetitionerPhone.objects.filter(digest__in=digests, petitioner__parties__isnull=False).exists()


def do_register_case(*, actor: User, data: RegistrationInput) -> Case:
    """Register one petition; a repeated submission token returns the case already made."""
    if data.submission_token:
        existing = Case.objects.filter(submission_token=data.submission_token).first()
        if existing is not None:
            return existing
    problems = check_registration(data, actor=actor)
    if problems:
        raise problems[0]
    try:
        with transaction.atomic():
            return _register(actor, data)
    except IntegrityError:
        # A double click raced us to the same token: the first one's case is the answer.
        if data.submission_token:
            existing = Case.objects.filter(submission_token=data.submission_token).first()
            if existing is not None:
                return existing
        raise


def _register(actor: User, data: RegistrationInput) -> Case:
    office = actor.organisation
    assert office is not None
    received_local = timezone.localtime(data.received_at)
    petitioners = [do_record_petitioner(party.petitioner) for party in data.parties]
    repeat = _known_before(petitioners, data)
    case = Case.objects.create(
        number=next_case_number(office, received_local.year),
        receiving_org=office,
        registrar=actor,
        channel=data.channel,
        received_at=data.received_at,
        category=data.category,
        topic=data.topic,
        place_region=data.place_region,
        place_address=data.place_address.strip(),
        accused=data.accused.strip(),
        accused_org=data.accused_org,
        title=data.title.strip(),
        facts=data.facts.strip(),
        request=data.request.strip(),
        head_count=data.head_count,
        is_collective=is_collective(data.channel, data.head_count),
        is_repeat=repeat,
        is_skip_level=data.channel in IN_PERSON_CHANNELS and is_skip_level(office, data.place_region),
        handed_down_from=data.handed_down_from.strip(),
        handed_down_doc_no=data.handed_down_doc_no.strip(),
        reception_leader=data.reception_leader.strip(),
        letter_sender_postmark=data.letter_sender_postmark.strip(),
        source_reference=data.source_reference.strip(),
        submission_token=data.submission_token,
    )
    for position, (party, petitioner) in enumerate(zip(data.parties, petitioners, strict=True)):
        CaseParty.objects.get_or_create(
            case=case, petitioner=petitioner, defaults={"role": party.role, "position": position}
        )
    events.record_registered(case, actor)
    workflow.start_route_clock(case)
    send_case_changed_on_commit(case.pk, "registered", actor.pk)
    files = list(data.files)
    # Locked, so the purge job cannot remove a file between here and its Attachment row.
    staged = list(
        StagedUpload.objects.select_for_update().filter(owner=actor, token__in=data.staged_upload_tokens)
    )
    files += [StoredFile(s.original_name, s.storage_name, s.content_type, s.size, s.sha256) for s in staged]
    for stored in files:
        attachment = Attachment.objects.create(
            case=case,
            original_name=stored.original_name,
            storage_name=stored.storage_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor,
        )
        events.record_attachment_added(case, actor, attachment.pk, stored.original_name, stored.sha256)
    StagedUpload.objects.filter(pk__in=[s.pk for s in staged]).delete()
    do_record_accepted_suggestions(actor=actor, case=case, offered=data.accepted_suggestions)
    search.index_case(case)
    return case
