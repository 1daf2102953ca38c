from django.urls import path

from xinfang.web.views import audit, auth, case, imports, ledger, register, settings_page, workbench

app_name = "web"

urlpatterns = [
    path("", workbench.workbench, name="workbench"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("password/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("register/", register.register, name="register"),
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("cases/<int:case_id>/", case.case_detail, name="case_detail"),
    path(
        "cases/<int:case_id>/petitioners/<int:petitioner_id>/reveal/",
        case.reveal_personal_data,
        name="reveal_personal_data",
    ),
    path("attachments/<int:attachment_id>/", case.attachment_download, name="attachment_download"),
    path("settings/", settings_page.settings_page, name="settings"),
    path("settings/ledger-import/", imports.ledger_import, name="ledger_import"),
    path("settings/ledger-import/template.xlsx", imports.ledger_template, name="ledger_template"),
    path("settings/org-tree/", imports.org_tree, name="org_tree"),
    path("settings/org-tree/export.xlsx", imports.org_tree_export, name="org_tree_export"),
    path("audit/personal-data/", audit.personal_data_log, name="personal_data_log"),
]
