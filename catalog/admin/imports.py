"""Admin page to import products from CSV/XLSX (dry run first) and to export them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.services.spreadsheet import products_export, products_import
from catalog.tasks import import_job_start, import_progress

# Files above this size are imported by a background task instead of during the request.
BACKGROUND_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"), help_text=gettext_lazy("CSV (UTF-8) or XLSX.")
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: only show what would change"), required=False, initial=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


def import_export_view(request):
    if not request.user.has_perm("catalog.add_product"):
        raise PermissionDenied
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        content_type = (
            "text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="products.{fmt}"'
        products_export(fileobj=response, fmt=fmt)
        return response
    context = {**admin.site.each_context(request), "title": _("Import and export products")}
    job_id = request.GET.get("job")
    if job_id:
        context["job"] = import_progress(job_id)
        context["job_id"] = job_id
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        if upload.size > BACKGROUND_BYTES:
            job_id = import_job_start(upload=upload, user_id=request.user.pk, dry_run=dry_run)
            messages.info(request, _("The import runs in the background."))
            return redirect(f"{reverse('admin:catalog_import_export')}?job={job_id}")
        report = products_import(
            fileobj=upload.file, name=upload.name, user=request.user, dry_run=dry_run
        )
        context["report"] = report.as_dict()
    context["form"] = form
    return TemplateResponse(request, "admin/catalog/import_export.html", context)


def _with_import_urls(get_urls):
    def urls():
        view = admin.site.admin_view(import_export_view)
        return [path("catalog/import-export/", view, name="catalog_import_export")] + get_urls()

    return urls


admin.site.get_urls = _with_import_urls(admin.site.get_urls)
