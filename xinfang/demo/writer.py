"""Stores generated cases in batches: petitioners, cases, parties, one `registered` event each,
the statutory clocks their status implies (demo.clocks), and the full-text index.

This is a bulk loader for demo data, so it inserts rows directly instead of
calling do_register_case once per case (a million registrations would take
hours). It keeps the invariants registration keeps, using the same helpers:
numbers from numbering.format_case_number and gapless per office and year with
CaseNumberCounter left at the last number; event hashes from events.event_hash;
index rows from search.case_tokens / search.index_rows; personal data encrypted
like people.actions.do_record_petitioner (see demo.people).
"""

import time
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice

from django.db import transaction

from xinfang.cases import search
from xinfang.cases.events import GENESIS_HASH, EventKind, event_hash
from xinfang.cases.models import Case, CaseEvent, CaseNumberCounter, CaseParty
from xinfang.cases.numbering import format_case_number
from xinfang.deadlines.models import Deadline, WarningLevel
from xinfang.deadlines.selectors import load_calendar
from xinfang.demo import bulk
from xinfang.demo.clocks import CaseFacts, ClockRow, DueDates, OrgFacts, case_clocks
from xinfang.demo.generator import SHANGHAI, CaseSpec
from xinfang.demo.people import petitioner_rows
from xinfang.orgs.models import TERRITORIAL_KINDS, Organisation, OrgKind
from xinfang.people.actions import match_key_digests
from xinfang.people.models import Petitioner, PetitionerMatchKey, PetitionerPhone

Progress = Callable[[int, float], None]


def _batches(specs: Iterable[CaseSpec], size: int) -> Iterator[list[CaseSpec]]:
    iterator = iter(specs)
    while batch := list(islice(iterator, size)):
        yield batch


class CaseWriter:
    """Writes one generator run; keeps the map from the run's person indexes to petitioner ids.

    `anchor` is the generator's anchor: the clocks of each case are replayed up to it."""

    def __init__(self, anchor: date) -> None:
        self.person_ids = array("q")
        self._prefixes: dict[int, str] = {}
        self.anchor = anchor
        self._due_dates = DueDates(load_calendar())
        self._org_facts = org_facts()

    def write(
        self, specs: Iterable[CaseSpec], *, batch_size: int = 5000, progress: Progress | None = None
    ) -> int:
        started = time.monotonic()
        written = 0
        for batch in _batches(specs, batch_size):
            with transaction.atomic():
                self._write_batch(batch)
            written += len(batch)
            if progress:
                progress(written, time.monotonic() - started)
        return written

    def _write_batch(self, batch: list[CaseSpec]) -> None:
        self._write_people(batch)
        numbers = self._issue_numbers(batch)
        cases = bulk.insert(Case, [_case_row(spec, numbers[spec.index]) for spec in batch])
        bulk.insert(
            CaseParty,
            [
                CaseParty(
                    case_id=case.pk, petitioner_id=self.person_ids[person], role=role, position=position
                )
                for spec, case in zip(batch, cases, strict=True)
                for position, (person, role) in enumerate(spec.parties)
            ],
        )
        bulk.insert(CaseEvent, [_registered_event(case) for case in cases])
        bulk.insert_rows(
            Deadline,
            DEADLINE_COLUMNS,
            [
                _deadline_row(case.pk, clock)
                for spec, case in zip(batch, cases, strict=True)
                for clock in case_clocks(_case_facts(spec), self.anchor, self._due_dates, self._org_facts)
            ],
        )
        search.index_rows((case.pk, search.case_tokens(case)) for case in cases)

    def _write_people(self, batch: list[CaseSpec]) -> None:
        persons = [person for spec in batch for person in spec.new_persons]
        if not persons:
            return
        assert persons[0].index == len(self.person_ids), "people are stored in the order they were made"
        rows = [petitioner_rows(person) for person in persons]
        petitioners = bulk.insert(Petitioner, [row[0] for row in rows])
        phones = []
        for petitioner, (_, phone) in zip(petitioners, rows, strict=True):
            self.person_ids.append(petitioner.pk)
            if phone is not None:
                phone.petitioner_id = petitioner.pk
                phones.append(phone)
        bulk.insert(PetitionerPhone, phones)
        bulk.insert(
            PetitionerMatchKey,
            [
                PetitionerMatchKey(petitioner_id=petitioner.pk, digest=digest)
                for petitioner, person in zip(petitioners, persons, strict=True)
                if not person.is_anonymous
                for digest in sorted(match_key_digests(person.name, person.address))
            ],
        )

    def _issue_numbers(self, batch: list[CaseSpec]) -> dict[int, str]:
        """Numbers for the batch in order of receipt, continuing each office's counter for the year.

        The counters are locked for the batch's transaction, so registrations running
        meanwhile wait and then continue after the last demo number.
        """
        years = {(spec.receiving_org_id, spec.received_at.astimezone(SHANGHAI).year) for spec in batch}
        for org_id, year in sorted(years):
            CaseNumberCounter.objects.get_or_create(organisation_id=org_id, year=year)
        counters = {
            (c.organisation_id, c.year): c
            for c in CaseNumberCounter.objects.select_for_update().filter(
                organisation_id__in={org for org, _ in years}, year__in={year for _, year in years}
            )
        }
        numbers: dict[int, str] = {}
        for spec in batch:
            year = spec.received_at.astimezone(SHANGHAI).year
            counter = counters[(spec.receiving_org_id, year)]
            counter.last_seq += 1
            numbers[spec.index] = format_case_number(
                self._prefix(spec.receiving_org_id), year, counter.last_seq
            )
        CaseNumberCounter.objects.bulk_update([counters[key] for key in sorted(years)], ["last_seq"])
        return numbers

    def _prefix(self, org_id: int) -> str:
        if org_id not in self._prefixes:
            prefix = Organisation.objects.values_list("case_number_prefix", flat=True).get(pk=org_id)
            assert prefix, "every saved organisation has a case-number prefix"
            self._prefixes[org_id] = prefix
        return self._prefixes[org_id]


def _case_row(spec: CaseSpec, number: str) -> Case:
    return Case(
        number=number,
        receiving_org_id=spec.receiving_org_id,
        responsible_org_id=spec.responsible_org_id,
        registrar_id=spec.registrar_id,
        channel=spec.channel,
        received_at=spec.received_at,
        category=spec.category,
        topic_id=spec.topic_id,
        place_region_id=spec.place_region_id,
        place_address=spec.place_address,
        accused=spec.accused,
        accused_org_id=spec.accused_org_id,
        title=spec.title,
        facts=spec.facts,
        request=spec.request,
        head_count=spec.head_count,
        is_collective=spec.is_collective,
        is_repeat=spec.is_repeat,
        status=spec.status,
        handed_down_from=spec.handed_down_from,
        handed_down_doc_no=spec.handed_down_doc_no,
        reception_leader=spec.reception_leader,
        letter_sender_postmark=spec.letter_sender_postmark,
        source_reference=spec.source_reference,
        submission_token=spec.token,
    )


def org_facts() -> OrgFacts:
    """Bureaus and each unit's review body (orgs.scoping.higher_body), from one query."""
    orgs = {
        pk: (parent, kind) for pk, parent, kind in Organisation.objects.values_list("id", "parent_id", "kind")
    }

    def higher(pk: int) -> int | None:
        current = orgs[pk][0]
        while current is not None and orgs[current][1] not in TERRITORIAL_KINDS:
            current = orgs[current][0]
        return current

    return OrgFacts(
        bureau_ids=frozenset(pk for pk, (_, kind) in orgs.items() if kind == OrgKind.PETITION_BUREAU),
        higher_body={pk: higher(pk) for pk in orgs},
    )


def _case_facts(spec: CaseSpec) -> CaseFacts:
    return CaseFacts(
        index=spec.index,
        received_on=spec.received_at.astimezone(SHANGHAI).date(),
        status=spec.status,
        category=spec.category,
        receiving_org_id=spec.receiving_org_id,
        responsible_org_id=spec.responsible_org_id,
    )


DEADLINE_COLUMNS = (
    "case_id",
    "kind",
    "responsible_org_id",
    "started_on",
    "days",
    "unit",
    "statutory_due_on",
    "due_on",
    "provisional",
    "extended_days",
    "extension_reason",
    "paused_days",
    "state",
    "closed_on",
    "closed_by",
    "level",
    "petitioner_window",
)


def _deadline_row(case_id: int, clock: ClockRow) -> tuple[object, ...]:
    """In DEADLINE_COLUMNS order; the level is left to the sweep (xinfang.supervision)."""
    return (
        case_id,
        clock.kind,
        clock.responsible_org_id,
        clock.started_on,
        clock.days,
        clock.unit,
        clock.statutory_due_on,
        clock.due_on,
        clock.provisional,
        clock.extended_days,
        clock.extension_reason,
        0,
        clock.state,
        clock.closed_on,
        clock.closed_by,
        WarningLevel.NORMAL,
        clock.petitioner_window,
    )


def _registered_event(case: Case) -> CaseEvent:
    """The first link of the case's chain, with the data events.record_registered records."""
    data = {"number": case.number, "channel": case.channel, "receiving_org": case.receiving_org_id}
    at = case.received_at
    digest = event_hash(GENESIS_HASH, case.pk, 1, EventKind.REGISTERED, case.registrar_id, at, data)
    return CaseEvent(
        case_id=case.pk,
        seq=1,
        kind=EventKind.REGISTERED,
        actor_id=case.registrar_id,
        at=at,
        data=data,
        prev_hash=GENESIS_HASH,
        hash=digest,
    )
