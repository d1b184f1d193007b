from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from acuface.clients.models import Client
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.webforms import apply_validation_error
from acuface.records import exports, services
from acuface.records.forms import EraseForm


def _download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(Access.OWNER)
def client_fhir(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.OWNER, pk=client_id)
    text = services.client_export_fhir(actor=user, client=client)
    return _download(text, "application/fhir+json", f"client-{client.pk}.fhir.json")


@staff_view(Access.OWNER)
def client_export(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.OWNER, pk=client_id)
    content = services.client_export_zip(actor=user, client=client)
    return _download(content, "application/zip", f"client-{client.pk}-data.zip")


@staff_view(Access.OWNER)
def client_erase(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.OWNER, pk=client_id)
    check = services.erasure_check(client=client)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_erase(
                actor=user, client=client, confirm_name=form.cleaned_data["confirm_name"]
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "The client's record is erased.")
            return redirect("clients:client-list")
    return render(request, "records/erase.html", {"client": client, "check": check, "form": form})


@staff_view(Access.OWNER)
def csv_index(request: HttpRequest) -> HttpResponse:
    return render(request, "records/csv_index.html", {"tables": list(exports.CSV_TABLES)})


@staff_view(Access.OWNER)
def csv_table(request: HttpRequest, table: str) -> HttpResponse:
    if table not in exports.CSV_TABLES:
        raise Http404("Not found.")
    user = staff_user(request)
    text = services.table_export_csv(actor=user, clinic=clinic_of(user), key=table)
    return _download(text, "text/csv; charset=utf-8", f"{table}.csv")
