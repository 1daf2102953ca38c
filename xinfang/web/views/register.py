"""The registration page: one form adapting to the channel, several petitioners,
attachments that survive a form error, and a token so a double click makes one case."""

import secrets
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.analysis.actions import read_suggestion_tokens
from xinfang.cases.actions.register import PartyInput, RegistrationInput, check_registration, do_register_case
from xinfang.cases.actions.staging import do_stage_uploads
from xinfang.cases.models import Case
from xinfang.cases.selectors import staged_uploads_of
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.leaders.actions import do_link_case_to_reception_day
from xinfang.orgs.roles import CAN_REGISTER
from xinfang.web.forms import PetitionerFormSet, RegistrationForm
from xinfang.web.views.common import current_user, login_required

FORMSET_PREFIX = "p"


def _render(
    request: HttpRequest, form: RegistrationForm, formset: Any, staged: Any, status: int = 200
) -> HttpResponse:
    # Accepted suggestions survive a form error, like everything else typed.
    accepted_tokens = request.POST.getlist("accepted_suggestion")[:20] if request.method == "POST" else []
    context = {"form": form, "formset": formset, "staged": staged, "accepted_tokens": accepted_tokens}
    return render(request, "web/register.html", context, status=status)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.role not in CAN_REGISTER:
        raise XinfangError(ErrorCode.NOT_ALLOWED_TO_REGISTER)
    if request.method != "POST":
        initial = {
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "submission_token": secrets.token_urlsafe(24),
            "head_count": 1,
        }
        form = RegistrationForm(initial=initial, user=user)
        return _render(
            request, form, PetitionerFormSet(prefix=FORMSET_PREFIX, form_kwargs={"user": user}), []
        )

    token = request.POST.get("submission_token", "")
    already = Case.objects.filter(submission_token=token, registrar=user).first() if token else None
    if already is not None:
        # The same form sent again (double click, back button): show the case it made.
        return redirect("web:case_detail", case_id=already.pk)
    form = RegistrationForm(request.POST, request.FILES, user=user)
    formset = PetitionerFormSet(request.POST, prefix=FORMSET_PREFIX, form_kwargs={"user": user})
    # Uploads are checked and kept before anything else, so a mistake elsewhere loses no file.
    upload_errors = do_stage_uploads(actor=user, files=request.FILES.getlist("attachments"))
    kept_tokens = request.POST.getlist("staged_uploads")
    staged = staged_uploads_of(user, kept_tokens + [s.token for s in upload_errors.staged])
    for error in upload_errors.errors:
        form.add_error(None, str(error))

    if form.is_valid() and formset.is_valid() and not upload_errors.errors:
        data = RegistrationInput(
            channel=form.cleaned_data["channel"],
            received_at=form.cleaned_data["received_at"],
            category=form.cleaned_data["category"],
            topic=form.cleaned_data["topic"],
            place_region=form.cleaned_data["place_region"],
            place_address=form.cleaned_data["place_address"],
            accused=form.cleaned_data["accused"],
            accused_org=form.cleaned_data["accused_org"],
            title=form.cleaned_data["title"],
            facts=form.cleaned_data["facts"],
            request=form.cleaned_data["request"],
            head_count=form.cleaned_data["head_count"],
            handed_down_from=form.cleaned_data["handed_down_from"],
            handed_down_doc_no=form.cleaned_data["handed_down_doc_no"],
            reception_leader=form.cleaned_data["reception_leader"],
            letter_sender_postmark=form.cleaned_data["letter_sender_postmark"],
            source_reference=form.cleaned_data["source_reference"],
            parties=[PartyInput(*f.to_input()) for f in formset.filled_forms()],  # type: ignore[attr-defined]
            staged_upload_tokens=[s.token for s in staged],
            submission_token=form.cleaned_data["submission_token"],
            accepted_suggestions=read_suggestion_tokens(user, request.POST.getlist("accepted_suggestion")),
        )
        problems = check_registration(data, actor=user)
        if not problems:
            case = do_register_case(actor=user, data=data)
            if form.cleaned_data["reception_day"] is not None:
                do_link_case_to_reception_day(
                    actor=user, case=case, reception_day=form.cleaned_data["reception_day"]
                )
            messages.success(request, f"已登记，编号 {case.number}。")
            return redirect("web:case_detail", case_id=case.pk)
        for problem in problems:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, str(problem))
    return _render(request, form, formset, staged, status=400)
