"""Writes of the citizens' portal.

The petitioner has no account. An online petition is registered by the receiving office's system
account (网上信访, a registrar nobody can log in as) through the ordinary registration action, so
it is numbered, clocked and recorded like any other; the petitioner's later steps (rating, asking
for review) are the lifecycle's own actions with `actor=None`. What the portal adds is the query
code, kept only as a keyed digest, and the throttled lookup that opens a case for its petitioner.
"""

import hmac
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from xinfang.cases import events
from xinfang.cases.access import access_case
from xinfang.cases.actions.register import PartyInput, RegistrationInput, check_registration, do_register_case
from xinfang.cases.models import Case, Channel, PartyRole, Topic
from xinfang.core import clock, crypto
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.roles import CAN_REGISTER, Role
from xinfang.people.actions import PetitionerInput
from xinfang.people.models import PetitionerPhone
from xinfang.portal import codes
from xinfang.portal.models import PortalAccount, QueryCode
from xinfang.portal.selectors import receiving_office_for
from xinfang.portal.throttle import check_lookup_allowed, do_record_lookup_failure

PORTAL_ACCOUNT_NAME = "网上信访"


def do_ensure_portal_account(office: Organisation) -> User:
    """The office's 网上信访 system account, created on first use: a registrar of the office whose
    password is unusable, so it registers web petitions but nobody can log in as it. It is also
    inactive: a password set on it by mistake in the admin still opens nothing (no action needs
    it active; registration checks only the role and the office)."""
    account = PortalAccount.objects.select_related("user").filter(office=office).first()
    if account is not None:
        return account.user
    try:
        with transaction.atomic():
            user = User(
                username=f"portal-web-{office.pk}",
                full_name=PORTAL_ACCOUNT_NAME,
                role=Role.REGISTRAR,
                organisation=office,
                is_active=False,
            )
            user.set_unusable_password()
            user.save()
            PortalAccount.objects.create(office=office, user=user)
            return user
    except IntegrityError:
        # Two first submissions to the same office at once: the other one made the account.
        return PortalAccount.objects.select_related("user").get(office=office).user


def submission_token(form_token: str) -> str:
    """What Case.submission_token keeps of a portal form's token: its keyed digest, so the
    database never holds the token the query code is derived from."""
    return crypto.keyed_digest(form_token, purpose="portal-submission")


@dataclass
class SubmissionInput:
    """A petition as the citizen typed it (identity already checked by the form)."""

    name: str
    id_number: str
    phone: str
    category: str
    topic: Topic
    place_region: Organisation
    title: str
    facts: str
    request: str
    form_token: str  # the random token of the form the citizen filled in
    address: str = ""
    email: str = ""
    place_address: str = ""
    accused: str = ""
    accused_org: Organisation | None = None
    staged_upload_tokens: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Receipt:
    case: Case
    query_code: str  # shown once, on the receipt page; only its digest is stored
    created: bool  # False when the same form was sent again (a double click)


def registration_for(data: SubmissionInput, office: Organisation) -> RegistrationInput:
    return RegistrationInput(
        channel=Channel.WEB,
        received_at=clock.now(),
        category=data.category,
        topic=data.topic,
        place_region=data.place_region,
        title=data.title,
        request=data.request,
        facts=data.facts,
        parties=[
            PartyInput(
                PetitionerInput(
                    name=data.name.strip(),
                    id_number=data.id_number,
                    phones=[data.phone],
                    address=data.address.strip(),
                    email=data.email,
                ),
                PartyRole.PRINCIPAL,
            )
        ],
        place_address=data.place_address,
        accused=data.accused,
        accused_org=data.accused_org,
        source_reference=PORTAL_ACCOUNT_NAME,
        staged_upload_tokens=list(data.staged_upload_tokens),
        submission_token=submission_token(data.form_token),
    )


def do_submit_petition(*, data: SubmissionInput) -> Receipt:
    """Register an online petition under the receiving office's 网上信访 account and give it its
    query code. The same form sent twice makes one case and yields the same code."""
    office = receiving_office_for(data.place_region)
    if office is None:
        raise XinfangError(ErrorCode.PORTAL_NO_RECEIVING_OFFICE, field="place_region")
    account = do_ensure_portal_account(office)
    registration = registration_for(data, office)
    problems = check_registration(registration, actor=account)
    if problems:
        raise problems[0]
    code = codes.code_from_token(data.form_token)
    with transaction.atomic():
        existed = Case.objects.filter(submission_token=registration.submission_token).exists()
        case = do_register_case(actor=account, data=registration)
        QueryCode.objects.get_or_create(
            case=case, defaults={"digest": codes.code_digest(code), "issued_at": clock.now()}
        )
    return Receipt(case=case, query_code=code, created=not existed)


def do_issue_query_code(*, actor: User, case: Case) -> str:
    """A new query code for a case registered at the office (a visit, a letter), for staff to hand
    to the petitioner; it replaces any earlier code, which stops working at once, with any
    tracking session opened with it. Returns the code, which is not kept."""
    if actor.role not in CAN_REGISTER:
        raise XinfangError(ErrorCode.PORTAL_QUERY_CODE_NOT_ALLOWED)
    case = access_case(actor, case.pk)
    code = codes.random_code()
    now = clock.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        # The history says a code was issued and by whom, never the code itself.
        events.record_query_code_issued(locked, actor)
        QueryCode.objects.update_or_create(
            case=case,
            defaults={
                "digest": codes.code_digest(code),
                "issued_at": now,
                "issued_by": actor,
                "receipt_shown_at": now,  # staff show it themselves; the portal never shows it
            },
        )
    return code


def do_mark_receipt_shown(case: Case) -> bool:
    """True for the one request that shows the receipt's code; False ever after."""
    return bool(
        QueryCode.objects.filter(case=case, receipt_shown_at__isnull=True).update(
            receipt_shown_at=clock.now()
        )
    )


def phone_digits_match(case: Case, last4: str) -> bool:
    """Do `last4` end one of the case's petitioners' stored phones? The masks keep the last four
    digits (138****8000); every phone is compared, in constant time."""
    masks = PetitionerPhone.objects.filter(petitioner__parties__case=case).values_list("mask", flat=True)
    matched = False
    for mask in masks:
        matched |= hmac.compare_digest(mask[-4:].encode(), last4.encode())
    return matched


def do_look_up_case(*, code: str, phone_last4: str, ip_address: str | None) -> QueryCode:
    """The query code record of the case that `code` and the phone's last four digits open, or
    PORTAL_LOOKUP_INVALID (recorded as a failure of this address, and of the case when the code
    was right); PORTAL_LOOKUP_THROTTLED after too many failures from the address or on the case."""
    check_lookup_allowed(ip_address)
    digest = codes.code_digest(code)
    found = (
        QueryCode.objects.select_related("case").filter(digest=digest).first()
        if codes.normalise(code)
        else None
    )
    if found is None or not codes.digests_match(found.digest, digest):
        do_record_lookup_failure(ip_address)
        raise XinfangError(ErrorCode.PORTAL_LOOKUP_INVALID)
    check_lookup_allowed(ip_address, found.case)
    if not phone_digits_match(found.case, phone_last4):
        do_record_lookup_failure(ip_address, found.case)
        raise XinfangError(ErrorCode.PORTAL_LOOKUP_INVALID)
    return found
