"""The plan's task table as XLSX: the import page and the export download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi.permissions.plans import access_plan

from .forms import ImportForm
from .importer import COLUMNS, REQUIRED, export_table, import_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def plan_import(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, "import")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        reason = _("Imported from %(file)s") % {"file": upload.name}
        result = import_table(plan, upload, by=request.user, reason=reason)
        if result.ok:
            messages.success(
                request,
                _(
                    "Imported %(rows)s rows: %(created)s work items created, %(updated)s "
                    "updated, %(unchanged)s unchanged."
                )
                % {
                    "rows": result.rows,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
            return redirect(plan)
    context = {
        "plan": plan,
        "form": form,
        "result": result,
        "columns": [(headers, key not in REQUIRED) for key, headers in COLUMNS.items()],
    }
    return render(request, "plans/import.html", context, status=422 if result else 200)


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, "export")
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in plan.number)
    response = HttpResponse(export_table(plan), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{filename}.xlsx"'
    return response
