"""One page per lifecycle step on a case: the form (GET) and the action (POST).

The view parses the form, obtains the case through access_case and calls one action;
the action and the workflow decide whether the step is allowed. A refused step shows
its message and code above the form, with everything typed kept."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.analysis.actions import read_suggestion_tokens, suggestion_token
from xinfang.analysis.intake import unit_suggestions_for_case
from xinfang.analysis.interfaces import Suggestion
from xinfang.analysis.models import Capability
from xinfang.analysis.replies import draft_reply
from xinfang.cases import states, workflow
from xinfang.cases.access import access_case
from xinfang.cases.actions import accept, appeal, close, handle, route
from xinfang.cases.models import AppealLevel, Case
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.kinds import DocumentKind, check_document_fields
from xinfang.orgs.models import User
from xinfang.web import lifecycle_forms as f
from xinfang.web.errors import STATUS_BY_CODE
from xinfang.web.views.common import current_user, login_required

Perform = Callable[[User, Case, dict[str, Any]], object]
# Steps whose page suggests the responsible unit (and records the suggestion if accepted).
UNIT_SUGGESTION_STEPS = frozenset({"transfer", "assign"})
# Steps that take accepted suggestions (signed tokens) with their form, and of which kinds: a
# token offered elsewhere (a registration's topic, say) is not recorded again here.
ACCEPTED_HERE = {
    "transfer": frozenset({Capability.UNIT}),
    "assign": frozenset({Capability.UNIT}),
    "reply": frozenset({Capability.REPLY_DRAFT}),
}
# The 信访处理意见书 step: a draft on request, the reply check on every render and before issuing.
REPLY_STEP = "reply"


@dataclass(frozen=True)
class Step:
    form: type[f.StepForm]
    perform: Perform
    done: str  # the message after success
    # The document whose every missing part the form should list at once (the action stops at the first).
    document: str | None = None


def _seq(data: dict[str, Any]) -> int:
    return int(data["expected_seq"])


def _route(data: dict[str, Any]) -> route.RouteInput:
    return route.RouteInput(
        target_org=data["target_org"],
        note=data["note"],
        report_due=data.get("report_due"),
        expected_seq=_seq(data),
        accepted_suggestions=data.get("accepted_suggestions", []),
    )


def _appeal_request(level: str) -> Perform:
    def perform(user: User, case: Case, data: dict[str, Any]) -> object:
        return appeal.do_request_appeal(
            actor=user,
            case=case,
            data=appeal.AppealRequestInput(level=level, grounds=data["grounds"], expected_seq=_seq(data)),
        )

    return perform


def _appeal_decision(user: User, case: Case, data: dict[str, Any]) -> object:
    return appeal.do_decide_appeal(
        actor=user,
        case=case,
        data=appeal.AppealDecisionInput(
            outcome=data["outcome"],
            request=data["request"],
            facts_found=data["facts_found"],
            decision=data["decision"],
            legal_basis=data["legal_basis"],
            next_step_notice=data["next_step_notice"],
            expected_seq=_seq(data),
        ),
    )


STEPS: dict[str, Step] = {
    "transfer": Step(
        f.RouteForm,
        lambda u, c, d: route.do_transfer(actor=u, case=c, data=_route(d)),
        "已转送，并生成转送单。",
    ),
    "assign": Step(
        f.AssignForm,
        lambda u, c, d: route.do_assign(actor=u, case=c, data=_route(d)),
        "已交办，并生成交办单。",
    ),
    "guide_to_legal_route": Step(
        f.GuideForm,
        lambda u, c, d: route.do_guide_to_legal_route(
            actor=u, case=c, data=route.GuideInput(d["legal_route"], d["reason"], _seq(d))
        ),
        "已导入法定途径，并生成告知书。",
    ),
    "send_to_discipline": Step(
        f.NoteForm,
        lambda u, c, d: route.do_send_to_discipline(actor=u, case=c, note=d["note"], expected_seq=_seq(d)),
        "已转纪检监察机关。",
    ),
    "refuse_again": Step(
        f.RefuseAgainForm,
        lambda u, c, d: route.do_refuse_again(
            actor=u, case=c, final_case_number=d["final_case_number"], expected_seq=_seq(d)
        ),
        "已决定不再受理，并生成不再受理告知书。",
    ),
    "merge": Step(
        f.MergeForm,
        lambda u, c, d: route.do_merge(actor=u, case=c, into_number=d["into_number"], expected_seq=_seq(d)),
        "已并入指定事项。",
    ),
    "object": Step(
        f.ReasonForm,
        lambda u, c, d: accept.do_object(actor=u, case=c, reason=d["reason"], expected_seq=_seq(d)),
        "已退回转送机关。",
    ),
    "accept": Step(
        f.NoteForm,
        lambda u, c, d: accept.do_accept(actor=u, case=c, note=d["note"], expected_seq=_seq(d)),
        "已受理，并生成受理告知书。",
    ),
    "reject": Step(
        f.RejectForm,
        lambda u, c, d: accept.do_reject(
            actor=u, case=c, data=accept.RejectInput(d["reason"], d["correct_route"], _seq(d))
        ),
        "已决定不予受理，并生成不予受理告知书。",
    ),
    "start_handling": Step(
        f.ConfirmForm,
        lambda u, c, d: handle.do_start_handling(actor=u, case=c, expected_seq=_seq(d)),
        "已开始办理。",
    ),
    "extend": Step(
        f.ExtendForm,
        lambda u, c, d: handle.do_extend(
            actor=u, case=c, data=handle.ExtensionInput(d["days"], d["reason"], _seq(d))
        ),
        "已延期，并生成延期告知书。",
    ),
    "reply": Step(
        f.ReplyForm,
        lambda u, c, d: handle.do_reply(
            actor=u,
            case=c,
            data=handle.ReplyInput(
                request=d["request"],
                facts_found=d["facts_found"],
                reasons=d["reasons"],
                decision=d["decision"],
                legal_basis=d["legal_basis"],
                review_notice=d["review_notice"],
                expected_seq=_seq(d),
                unanswered_confirmed=d["confirm_check"],
                accepted_suggestions=d.get("accepted_suggestions", []),
            ),
        ),
        "已出具信访处理意见书。",
        DocumentKind.REPLY,
    ),
    "report_assigned": Step(
        f.ReportForm,
        lambda u, c, d: handle.do_report_assigned(
            actor=u, case=c, data=handle.ReportInput(d["result"], _seq(d))
        ),
        "已报送办结报告。",
    ),
    "rate": Step(
        f.RateForm,
        lambda u, c, d: close.do_rate(
            actor=u, case=c, data=close.RatingInput(d["level"], d["comment"], d["source"], _seq(d))
        ),
        "已记录评价。",
    ),
    "request_review": Step(f.AppealRequestForm, _appeal_request(AppealLevel.REVIEW), "已登记复查申请。"),
    "decide_review": Step(
        f.AppealDecisionForm, _appeal_decision, "已出具复查意见书。", DocumentKind.REVIEW_DECISION
    ),
    "request_re_review": Step(
        f.AppealRequestForm, _appeal_request(AppealLevel.RE_REVIEW), "已登记复核申请。"
    ),
    "open_hearing": Step(
        f.NoteForm,
        lambda u, c, d: appeal.do_hearing(
            actor=u, case=c, opening=True, note=d["note"], expected_seq=_seq(d)
        ),
        "听证开始，复核期限暂停计算。",
    ),
    "close_hearing": Step(
        f.NoteForm,
        lambda u, c, d: appeal.do_hearing(
            actor=u, case=c, opening=False, note=d["note"], expected_seq=_seq(d)
        ),
        "听证结束，复核期限恢复计算。",
    ),
    "decide_re_review": Step(
        f.AppealDecisionForm, _appeal_decision, "已出具复核意见书。", DocumentKind.RE_REVIEW_DECISION
    ),
    "conclude": Step(
        f.ConcludeForm,
        lambda u, c, d: handle.do_conclude(
            actor=u, case=c, petitioner_accepts=d["petitioner_accepts"], note=d["note"], expected_seq=_seq(d)
        ),
        "已办结。",
    ),
    "archive": Step(
        f.ConfirmForm,
        lambda u, c, d: close.do_archive(actor=u, case=c, expected_seq=_seq(d)),
        "已归档，案卷已生成。",
    ),
}


@login_required
def case_step(request: HttpRequest, case_id: int, code: str) -> HttpResponse:
    user = current_user(request)
    case = access_case(user, case_id)
    step = STEPS.get(code)
    transition = states.BY_CODE.get(code)
    if step is None or transition is None:
        raise XinfangError(ErrorCode.ACTION_UNKNOWN, code)
    if request.method != "POST":
        workflow.require_transition(case, code, user)
        form = step.form(initial={"expected_seq": workflow.last_seq(case)}, case=case, user=user)
        form.initial.update(form.defaults())
        return _render(request, case, transition, form)

    if code == REPLY_STEP and "compose" in request.POST:
        return _compose_reply(request, case, transition, user)
    form = step.form(request.POST, case=case, user=user)
    status = 400
    if form.is_valid() and step.document:
        fields = dict(form.cleaned_data)
        if step.document == DocumentKind.REVIEW_DECISION:
            fields["re_review_notice"] = fields.get("next_step_notice", "")
        for problem in check_document_fields(step.document, fields):
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
    if form.is_valid():
        if code in ACCEPTED_HERE:
            tokens = request.POST.getlist("accepted_suggestion")
            form.cleaned_data["accepted_suggestions"] = [
                offered
                for offered in read_suggestion_tokens(user, tokens)
                if offered.capability in ACCEPTED_HERE[code]
            ]
        try:
            step.perform(user, case, form.cleaned_data)
        except XinfangError as error:
            if error.code == ErrorCode.CASE_CHANGED:
                # Keep what was typed, but under the case as it is now, so it can be sent again
                # once the user has looked at what changed.
                data = request.POST.copy()
                data["expected_seq"] = str(workflow.last_seq(case))
                form = step.form(data, case=case, user=user)
                form.is_valid()
            form.add_error(error.field if error.field in form.fields else None, str(error))
            status = STATUS_BY_CODE.get(error.code, 400)
        else:
            messages.success(request, step.done)
            return redirect("web:case_detail", case_id=case.pk)
    return _render(request, case, transition, form, status)


def _compose_reply(
    request: HttpRequest, case: Case, transition: states.Transition, user: User
) -> HttpResponse:
    """起草: the drafter's text goes into the parts still empty or as the form first offered them;
    whatever the handler has typed stays. The draft's token rides with the form and is recorded
    (with the drafter's version) only if the reply is issued."""
    workflow.require_transition(case, REPLY_STEP, user)
    draft = draft_reply(case)
    data = request.POST.copy()
    offered = f.ReplyForm(case=case, user=user).defaults()
    for key, text in draft.parts.items():
        typed = data.get(key, "").strip()
        if key in handle.REPLY_PARTS and (not typed or typed == str(offered.get(key, "")).strip()):
            data[key] = text
    form = f.ReplyForm(data, case=case, user=user)
    # The case's id is the value: a draft counts only for the case it was made for.
    suggestion = Suggestion(str(case.pk), "信访处理意见书草稿", 1.0, "；".join(draft.notes))
    tokens = request.POST.getlist("accepted_suggestion")[:19]
    tokens.append(suggestion_token(user, Capability.REPLY_DRAFT, suggestion, draft.version))
    return _render(request, case, transition, form, tokens=tokens, draft_notes=draft.notes)


def _render(
    request: HttpRequest,
    case: Case,
    transition: states.Transition,
    form: f.StepForm,
    status: int = 200,
    *,
    tokens: list[str] | None = None,
    draft_notes: tuple[str, ...] = (),
) -> HttpResponse:
    if tokens is None:
        tokens = request.POST.getlist("accepted_suggestion")[:20] if request.method == "POST" else []
    context: dict[str, Any] = {
        "case": case,
        "transition": transition,
        "form": form,
        "legal_routes": f.LEGAL_ROUTES,
        "accepted_tokens": tokens,
    }
    if transition.code == REPLY_STEP:
        typed = form.data if form.is_bound else {**form.initial}
        context["reply_check"] = handle.reply_check(case, typed)
        context["draft_notes"] = draft_notes
    if transition.code in UNIT_SUGGESTION_STEPS:
        user = current_user(request)
        routable = {str(pk) for pk in form.fields["target_org"].queryset.values_list("pk", flat=True)}  # type: ignore[attr-defined]
        units, version = unit_suggestions_for_case(user, case)
        context["unit_offers"] = [
            {"suggestion": unit, "token": suggestion_token(user, Capability.UNIT, unit, version)}
            for unit in units
            if unit.value in routable
        ]
    return render(request, "web/case_step.html", context, status=status)


@login_required
@require_POST
def reply_check(request: HttpRequest, case_id: int) -> HttpResponse:
    """The reply check of the parts typed so far (HTMX, while the handler writes). Read-only, for
    those who may issue the reply, as the step's page is."""
    user = current_user(request)
    case = access_case(user, case_id)
    workflow.require_transition(case, REPLY_STEP, user)
    response = render(
        request, "web/_reply_check.html", {"reply_check": handle.reply_check(case, request.POST)}
    )
    response["Cache-Control"] = "no-store"
    return response
