"""The import with a review step: upload, map the columns, correct the rows, commit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from theodoi.permissions.intake import access_staged_import
from theodoi.permissions.plans import access_plan
from theodoi.permissions.reporting import access_report

from . import columns
from .forms import CommitForm, ReportUploadForm, UploadForm
from .models import StagedImport
from .plan_docx import plan_docx
from .reader import FileRefused, read_upload
from .report_review import commit_report, stage_report, understand_report
from .review import EDITABLE, KINDS, CommitRefused, commit, stage, understand
from .timeframes import RULES
from .units import UnitResolver

# Rows whose problem cells are shown as inputs at once (a form has at most 1,000 fields).
MAX_FIXABLE_ROWS = 150
# Rows of the review on one page.
PAGE_ROWS = 200


def _page(request: HttpRequest, rows: list[Any]) -> tuple[list[Any], dict[str, Any]]:
    """One page of review rows, and what the pager needs."""
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    number = request.GET.get("page", "1")
    current = min(max(int(number), 1), pages) if number.isdigit() else 1
    start = (current - 1) * PAGE_ROWS
    query = request.GET.copy()
    query.pop("page", None)
    pager = {
        "current": current,
        "pages": pages,
        "numbers": list(range(1, pages + 1)),
        "query": query.urlencode(),
        "first": start + 1,
        "last": min(start + PAGE_ROWS, len(rows)),
        "total": len(rows),
    }
    return rows[start : start + PAGE_ROWS], pager


@login_required
def plan_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, "import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt, grid = read_upload(upload.name, upload.read())
        except FileRefused as e:
            form.add_error("file", str(e))
        else:
            staged = stage(plan, upload.name, grid, fmt, by=request.user)
            return redirect(staged)
    pending = StagedImport.objects.filter(
        plan=plan, kind=StagedImport.Kind.PLAN, state=StagedImport.State.REVIEW
    ).select_related("created_by")[:10]
    status = 422 if form.errors else 200
    context = {"plan": plan, "form": form, "pending": pending, "rules": RULES}
    return render(request, "intake/upload.html", context, status=status)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def plan_issued_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as an issued Kế hoạch with its appendix (Party format), e.g. to try the import."""
    plan = access_plan(request.user, pk, "export")
    filename = "".join(c if c.isalnum() or c in "-_" else "-" for c in plan.number)
    response = HttpResponse(plan_docx(plan), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="ke-hoach-{filename}.docx"'
    return response


@login_required
def report_upload(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(request.user, report_id, "change")
    form = ReportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not report.is_editable:
        form.add_error(None, _("A submitted or accepted report cannot be edited."))
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            fmt, grid = read_upload(upload.name, upload.read())
        except FileRefused as e:
            form.add_error("file", str(e))
        else:
            staged = stage_report(report, upload.name, grid, fmt, by=request.user)
            return redirect(staged)
    status = 422 if form.errors else 200
    return render(
        request, "intake/report_upload.html", {"report": report, "form": form}, status=status
    )


def _save_corrections(staged: StagedImport, post: Any) -> int:
    """Corrections typed in the review: cells ("c<row>-<key>"), kinds ("k<row>"), choices."""
    edits: dict[str, dict[str, str]] = dict(staged.edits or {})
    changed = 0
    for name, value in post.items():
        if name.startswith("c") and "-" in name:
            row, _sep, key = name[1:].partition("-")
            if not row.isdigit() or key not in EDITABLE:
                continue
            value = " ".join(value.replace("\r", "").split(" "))[:1000]
            current = edits.setdefault(row, {})
            if current.get(key) != value:
                current[key] = value
                changed += 1
        elif name.startswith("k") and name[1:].isdigit() and value in (*KINDS, ""):
            current = edits.setdefault(name[1:], {})
            if value and current.get("kind") != value:
                current["kind"] = value
                changed += 1
            elif not value and "kind" in current:
                del current["kind"]
                changed += 1
    choices = dict(staged.choices or {})
    for name, value in post.items():
        if name.startswith("choice:") and value.isdigit():
            choices[name[len("choice:") :]] = int(value)
            changed += 1
    staged.edits = {k: v for k, v in edits.items() if v}
    staged.choices = choices
    staged.version += 1
    staged.save(update_fields=["edits", "choices", "version"])
    return changed


def _save_mapping(staged: StagedImport, post: Any) -> None:
    allowed = columns.fields_for(staged.kind)
    mapping = {}
    for name, value in post.items():
        if name.startswith("map") and name[3:].isdigit() and value in allowed:
            mapping[name[3:]] = value
    header = post.get("header_row", "")
    if header.lstrip("-").isdigit():
        staged.header_row = max(int(header) - 1, -1)
    staged.mapping = mapping
    staged.version += 1
    staged.save(update_fields=["mapping", "header_row", "version"])
    if staged.kind == StagedImport.Kind.PLAN:
        headers = staged.grid["rows"][staged.header_row] if staged.header_row >= 0 else []
        columns.remember(staged.plan.issuer, dict(enumerate(headers)), mapping)


@login_required
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    staged = access_staged_import(request.user, pk, "view")
    commit_form = CommitForm(request.POST if request.POST.get("action") == "commit" else None)
    status = 200
    if request.method == "POST":
        staged = access_staged_import(request.user, pk, "change")
        action = request.POST.get("action", "")
        if staged.state != StagedImport.State.REVIEW:
            messages.error(request, _("This import was already committed or discarded."))
            return redirect(staged)
        if action == "mapping":
            _save_mapping(staged, request.POST)
            messages.success(request, _("Columns applied: the rows are read again."))
            return redirect(staged)
        if action == "fix":
            _save_corrections(staged, request.POST)
            messages.success(
                request, _("Corrections kept. Nothing is written to the plan before you commit.")
            )
            anchor = request.POST.get("anchor", "")
            suffix = f"#r{anchor}" if anchor.isdigit() else ""
            return redirect(f"{staged.get_absolute_url()}{suffix}")
        if action == "discard":
            staged.state = StagedImport.State.DISCARDED
            staged.save(update_fields=["state"])
            messages.success(request, _("Import discarded: nothing was written."))
            if staged.kind == StagedImport.Kind.REPORT:
                return redirect("reporting:report", staged.report_id)
            return redirect(staged.plan)
        if action == "commit":
            _save_corrections(staged, request.POST)
            staged.apply_meta = request.POST.get("apply_meta") == "on"
            staged.save(update_fields=["apply_meta"])
            if commit_form.is_valid():
                try:
                    if staged.kind == StagedImport.Kind.REPORT:
                        filled = commit_report(
                            staged, by=request.user, reason=commit_form.cleaned_data["reason"]
                        )
                        messages.success(
                            request,
                            _(
                                "%(n)s entries filled in the draft report. "
                                "Review it, then submit it yourself."
                            )
                            % {"n": filled},
                        )
                        return redirect("reporting:report", staged.report_id)
                    result = commit(
                        staged, by=request.user, reason=commit_form.cleaned_data["reason"]
                    )
                except CommitRefused as e:
                    commit_form.add_error(None, str(e))
                else:
                    messages.success(
                        request,
                        _(
                            "Imported %(rows)s work items: %(created)s created, %(updated)s "
                            "updated, %(unchanged)s unchanged."
                        )
                        % {
                            "rows": result.rows,
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                        },
                    )
                    return redirect(staged.plan)
            status = 422
    return _render_review(request, staged, commit_form, status)


def _units_text(units: list[Any], groups: list[str]) -> str:
    names = [u.short_name or u.name for u in units]
    if groups and len(units) > 3:
        return "; ".join(groups) + f" ({len(units)})"
    return "; ".join(names)


def _display(row: Any, time_keys: list[str]) -> list[dict[str, Any]]:
    """The cells of a review row as shown: text, problems, and inputs where it can be fixed."""
    if row.kind not in ("item", "field", "task"):
        return []
    fixable = getattr(row, "fixable", False)
    out = []
    for key in ("number", "title", "leads", "coordinating", "time", "output"):
        keys = time_keys if key == "time" else [key]
        problems = [m for k in keys for m in row.problems.get(k, [])]
        if key == "title" and row.kind in ("field", "task"):
            text = row.title
        elif row.kind != "item":
            text = ""
        elif key in ("leads", "coordinating"):
            text = _units_text(getattr(row, key), row.groups.get(key, []))
        elif key == "time":
            text = ""
            if row.start and row.end:
                text = f"{row.start:%d/%m}–{row.end:%d/%m/%Y}"
        else:
            text = row.cells.get(key, "")
        inputs = []
        if fixable and (problems or row.edited & set(keys) or getattr(row, "open_all", False)):
            inputs = [(f"c{row.index}-{k}", row.cells.get(k, ""), k) for k in keys]
        out.append(
            {
                "key": key,
                "text": text,
                "raw": row.cells.get(key, "")
                if key != "time"
                else row.time_frame or row.cells.get("time", ""),
                "problems": problems,
                "inputs": inputs,
                "asked": [a for a in row.asked if a[0] == key],
                "edited": bool(row.edited & set(keys)),
            }
        )
    return out


def _render_review(
    request: HttpRequest, staged: StagedImport, commit_form: CommitForm, status: int
) -> HttpResponse:
    grid_rows = staged.grid.get("rows", [])
    width = max((len(r) for r in grid_rows), default=0)
    header = grid_rows[staged.header_row] if 0 <= staged.header_row < len(grid_rows) else []
    source_columns = [
        {
            "index": str(c),
            "header": header[c] if c < len(header) else "",
            "sample": next(
                (r[c] for r in grid_rows[staged.header_row + 1 :] if c < len(r) and r[c]), ""
            ),
            "field": staged.mapping.get(str(c), ""),
        }
        for c in range(width)
    ]
    only_problems = request.GET.get("show") == "problems"
    editing = request.GET.get("edit", "")
    context: dict[str, Any] = {
        "staged": staged,
        "plan": staged.plan,
        "commit_form": commit_form,
        "source_columns": source_columns,
        "fields": list(columns.fields_for(staged.kind).items()),
        "only_problems": only_problems,
        "editing": editing,
        "open": staged.state == StagedImport.State.REVIEW,
        "rules": RULES,
        "max_fixable": MAX_FIXABLE_ROWS,
    }
    if staged.kind == StagedImport.Kind.REPORT:
        review = understand_report(staged)
        context["review"] = review
        rows = [r for r in review.shown if not only_problems or r.problems]
        context["rows"], context["pager"] = _page(request, rows)
        return render(request, "intake/report_review.html", context, status=status)
    review = understand(staged, resolver=UnitResolver(staged.plan))
    rows = [r for r in review.shown if not only_problems or not r.ok or r.kind in ("field", "task")]
    rows, pager = _page(request, rows)
    fixable = 0
    time_keys = ["time"] if "time" in review.mapping.values() else []
    time_keys += [k for k in ("start", "end") if k in review.mapping.values()]
    for row in rows:
        row.fixable = False  # type: ignore[attr-defined]
        row.open_all = str(row.index) == editing  # type: ignore[attr-defined]
        if (not row.ok or row.open_all) and fixable < MAX_FIXABLE_ROWS:
            row.fixable = True  # type: ignore[attr-defined]
            fixable += 1
        row.display = _display(row, time_keys or ["time"])  # type: ignore[attr-defined]
    context.update(
        {
            "review": review,
            "rows": rows,
            "pager": pager,
            "counts": review.counts,
            "asked": review.asked,
            "meta": review.meta if staged.file_format == "docx" else {},
            "kinds": [
                ("item", _("work item")),
                ("task", _("task")),
                ("field", _("field")),
                ("skip", _("skip")),
            ],
        }
    )
    return render(request, "intake/review.html", context, status=status)
