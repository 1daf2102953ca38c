from django.urls import path

from xinfang.web.views import (
    audit,
    auth,
    case,
    imports,
    intake,
    ledger,
    lifecycle,
    register,
    settings_page,
    stats,
    workbench,
)
from xinfang.web.views import documents as document_views
from xinfang.web.views import leaders as leader_views
from xinfang.web.views import screening as screening_views
from xinfang.web.views import supervision as supervision_views

app_name = "web"

urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("register/", register.register, name="register"),
    path("register/suggestions/", intake.registration_suggestions, name="registration_suggestions"),
    path("cases/<int:case_id>/suggestions/", intake.case_suggestions, name="case_suggestions"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("stats/", stats.statistics_page, name="stats"),
    path("stats/export.xlsx", stats.statistics_export, name="stats_export"),
    path("stats/report.docx", stats.report_download, name="stats_report"),
    path("stats/dashboard/", stats.dashboard, name="stats_dashboard"),
    path("stats/units/", stats.assessment_page, name="stats_units"),
    path("stats/units/export.xlsx", stats.assessment_export, name="stats_units_export"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("cases/<int:case_id>/", case.case_detail, name="case_detail"),
    path(
        "cases/<int:case_id>/petitioners/<int:petitioner_id>/reveal/",
        case.reveal_personal_data,
        name="reveal_personal_data",
    ),
    path("cases/<int:case_id>/steps/<slug:code>/", lifecycle.case_step, name="case_step"),
    path("cases/<int:case_id>/reply-check/", lifecycle.reply_check, name="reply_check"),
    path("cases/<int:case_id>/archive.zip", case.archive_download, name="archive_download"),
    path("cases/<int:case_id>/query-code/", case.issue_query_code, name="issue_query_code"),
    path("attachments/<int:attachment_id>/", case.attachment_download, name="attachment_download"),
    path("documents/<int:document_id>/download/", document_views.document_download, name="document_download"),
    path("settings/", settings_page.settings_page, name="settings"),
    path("settings/ledger-import/", imports.ledger_import, name="ledger_import"),
    path("settings/ledger-import/template.xlsx", imports.ledger_template, name="ledger_template"),
    path("settings/org-tree/", imports.org_tree, name="org_tree"),
    path("settings/org-tree/export.xlsx", imports.org_tree_export, name="org_tree_export"),
    path("audit/personal-data/", audit.personal_data_log, name="personal_data_log"),
    # leader work (领导接访与包案)
    path("leaders/", leader_views.reception_days, name="leaders_reception_days"),
    path("leaders/reception-days/new/", leader_views.reception_day_new, name="leaders_reception_day_new"),
    path("leaders/reception-days/<int:day_id>/", leader_views.reception_day, name="leaders_reception_day"),
    path(
        "leaders/reception-days/<int:day_id>/held/",
        leader_views.reception_day_held,
        name="leaders_reception_day_held",
    ),
    path(
        "leaders/reception-days/<int:day_id>/cancel/",
        leader_views.reception_day_cancel,
        name="leaders_reception_day_cancel",
    ),
    path(
        "leaders/reception-days/<int:day_id>/appointments/",
        leader_views.appointment_book,
        name="leaders_appointment_book",
    ),
    path(
        "leaders/reception-days/<int:day_id>/cases/",
        leader_views.reception_day_link_case,
        name="leaders_reception_day_link_case",
    ),
    path(
        "leaders/appointments/<int:appointment_id>/outcome/",
        leader_views.appointment_outcome,
        name="leaders_appointment_outcome",
    ),
    path("leaders/cases/", leader_views.board, name="leaders_board"),
    path("leaders/cases/new/", leader_views.leader_case_new, name="leaders_case_new"),
    path("leaders/cases/<int:leader_case_id>/", leader_views.leader_case, name="leaders_case"),
    path(
        "leaders/cases/<int:leader_case_id>/steps/", leader_views.leader_case_step, name="leaders_case_step"
    ),
    path(
        "leaders/cases/<int:leader_case_id>/settle/",
        leader_views.leader_case_settle,
        name="leaders_case_settle",
    ),
    # supervision (督查督办)
    path("supervision/", supervision_views.board, name="supervision_board"),
    path(
        "supervision/deadlines/<int:deadline_id>/notice/",
        supervision_views.notice_new,
        name="supervision_notice_new",
    ),
    path("supervision/notices/", supervision_views.notices, name="supervision_notices"),
    path("supervision/notices/<int:supervision_id>/", supervision_views.notice, name="supervision_notice"),
    path(
        "supervision/notices/<int:supervision_id>/answer/",
        supervision_views.notice_answer,
        name="supervision_notice_answer",
    ),
    path(
        "supervision/notices/<int:supervision_id>/escalate/",
        supervision_views.notice_escalate,
        name="supervision_notice_escalate",
    ),
    path(
        "supervision/alerts/<int:alert_id>/acknowledge/",
        supervision_views.alert_acknowledge,
        name="supervision_alert_acknowledge",
    ),
    # screening ledger (矛盾纠纷排查台账)
    path("screening/", screening_views.board, name="screening_board"),
    path("screening/export.xlsx", screening_views.export, name="screening_export"),
    path("screening/report/", screening_views.report, name="screening_report"),
    path("screening/risks/<int:risk_id>/", screening_views.risk_detail, name="screening_risk"),
    path("screening/risks/<int:risk_id>/close/", screening_views.risk_close, name="screening_risk_close"),
    path(
        "screening/risks/<int:risk_id>/evidence/",
        screening_views.evidence_download,
        name="screening_evidence",
    ),
    path("screening/rounds/", screening_views.rounds, name="screening_rounds"),
    path("screening/rounds/<int:round_id>/close/", screening_views.round_close, name="screening_round_close"),
]
