"""Document templates in the admin: download a built-in one, edit it in Word or WPS, upload it.

An upload is never changed in place: a new upload of the same kind becomes the
active one and retires the previous, so a document's `template_source` always
names the file it was made from. Issued documents are not shown here; they
are read through their case (documents.access).
"""

import io
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.documents.actions import do_save_template
from xinfang.documents.defaults import default_template
from xinfang.documents.kinds import BY_KIND, SPECS
from xinfang.documents.models import DocumentTemplate
from xinfang.documents.render import DOCX_CONTENT_TYPE
from xinfang.documents.template_files import MAX_TEMPLATE_BYTES, check_template
from xinfang.orgs.models import User


class DocumentTemplateForm(forms.ModelForm):
    upload = forms.FileField(
        label="模板文件（.docx）",
        required=False,
        help_text="占位符写作 {{case_number}}，只能使用下表列出的该类文书的占位符。",
    )

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "active"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or self.instance.kind
        upload = cleaned.get("upload")
        if self.instance.pk is None and upload is None:
            self.add_error("upload", "请选择要上传的 .docx 模板文件。")
        if not kind or self.errors:
            return cleaned
        if upload is not None:
            if upload.size > MAX_TEMPLATE_BYTES:
                self.add_error("upload", str(XinfangError(ErrorCode.TEMPLATE_TOO_LARGE)))
                return cleaned
            cleaned["content"] = upload.read()
        elif cleaned.get("active"):
            cleaned["content"] = bytes(self.instance.content)  # re-activating: check it still fits
        if "content" in cleaned:
            for problem in check_template(kind, cleaned["content"]):
                self.add_error("upload" if upload is not None else "active", str(problem))
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["kind", "original_name", "uploaded_by", "uploaded_at", "active", "download_link"]
    list_filter = ["kind", "active"]

    def get_fields(self, request: HttpRequest, obj: DocumentTemplate | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("kind", "upload", "active", "placeholder_table")
        return ("kind", "original_name", "uploaded_by", "uploaded_at", "download_link", "active")

    def get_readonly_fields(
        self, request: HttpRequest, obj: DocumentTemplate | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ("placeholder_table",)
        return ("kind", "original_name", "uploaded_by", "uploaded_at", "download_link")

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool) -> None:
        actor = request.user
        assert isinstance(actor, User)
        upload = form.cleaned_data.get("upload")
        if upload is not None:
            obj.content = form.cleaned_data["content"]
            obj.original_name = upload.name[:255]
            obj.uploaded_by = actor
        do_save_template(actor=actor, template=obj)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "default/<str:kind>/",
                self.admin_site.admin_view(self.default_download),
                name="documents_documenttemplate_default",
            ),
            path(
                "<int:template_id>/download/",
                self.admin_site.admin_view(self.template_download),
                name="documents_documenttemplate_download",
            ),
            *super().get_urls(),
        ]

    def default_download(self, request: HttpRequest, kind: str) -> FileResponse:
        if not self.has_view_permission(request) or kind not in BY_KIND:
            raise PermissionDenied
        return _docx_response(default_template(kind), f"{BY_KIND[kind].label}（内置模板）.docx")

    def template_download(self, request: HttpRequest, template_id: int) -> FileResponse:
        template = DocumentTemplate.objects.filter(pk=template_id).first()
        if template is None or not self.has_view_permission(request, template):
            raise PermissionDenied
        filename = f"{template.get_kind_display()}（模板{template.pk}）.docx"
        return _docx_response(bytes(template.content), filename)

    @admin.display(description="下载")
    def download_link(self, obj: DocumentTemplate) -> SafeString:
        url = reverse("admin:documents_documenttemplate_download", args=[obj.pk])
        return format_html('<a href="{}">下载</a>', url)

    @admin.display(description="各类文书的内置模板与占位符")
    def placeholder_table(self, obj: DocumentTemplate | None = None) -> SafeString:
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td><a href="{}">下载内置模板</a></td><td>{}</td></tr>',
            (
                (
                    spec.label,
                    reverse("admin:documents_documenttemplate_default", args=[spec.kind.value]),
                    "、".join(f"{{{{{name}}}}} {label}" for name, label in spec.placeholders.items()),
                )
                for spec in SPECS
            ),
        )
        return format_html("<table><tr><th>文书</th><th></th><th>可用占位符</th></tr>{}</table>", rows)


def _docx_response(content: bytes, filename: str) -> FileResponse:
    response = FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX_CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
