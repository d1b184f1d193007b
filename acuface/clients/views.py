from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from acuface.clients import selectors, services
from acuface.clients.forms import ClientForm, ClientSearchForm, ConsentSignForm
from acuface.clients.models import Client, Consent
from acuface.core.access import Access, clinic_of, get_for_user, staff_user, staff_view
from acuface.core.webforms import apply_validation_error


@staff_view(Access.STAFF)
def client_list(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET or None)
    query, archived = "", False
    if form.is_valid():
        query, archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    found = selectors.client_search(
        clinic=clinic_of(staff_user(request)), query=query, archived=archived
    )
    clients = list(found[: selectors.SEARCH_LIMIT + 1])
    context = {
        "form": form,
        "clients": clients[: selectors.SEARCH_LIMIT],
        "more": len(clients) > selectors.SEARCH_LIMIT,
        "query": query,
    }
    is_partial = bool(getattr(request, "htmx", False))
    template = "clients/client_list_results.html" if is_partial else "clients/client_list.html"
    return render(request, template, context)


@staff_view(Access.STAFF)
def client_create(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    clinic = clinic_of(user)
    form = ClientForm(request.POST or None, show_notes=user.sees_clinical)
    duplicates: list[Client] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        already = selectors.client_from_form(clinic=clinic, form_token=data["form_token"])
        if already is not None:  # the same form sent twice: show what the first send made
            return redirect("clients:client-detail", client_id=already.pk)
        duplicates = selectors.client_possible_duplicates(
            clinic=clinic,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
        if not duplicates or data["confirm_not_duplicate"]:
            try:
                client, created = services.client_create(
                    actor=user, clinic=clinic, form_token=data["form_token"], **form.client_fields()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if created:
                    messages.success(request, f"{client} is registered.")
                return redirect("clients:client-detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "duplicates": duplicates})


@staff_view(Access.STAFF)
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, pk=client_id)
    services.client_record_viewed(actor=user, client=client)
    context = {"client": client, "consents": selectors.consent_status(client=client)}
    return render(request, "clients/client_detail.html", context)


@staff_view(Access.STAFF)
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, pk=client_id)
    form = ClientForm(request.POST or None, instance=client, show_notes=user.sees_clinical)
    if request.method == "POST" and form.is_valid():
        try:
            services.client_update(
                actor=user,
                client=client,
                version=form.cleaned_data["version"] or 0,
                **form.client_fields(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("clients:client-detail", client_id=client.pk)
    return render(request, "clients/client_form.html", {"form": form, "client": client})


@staff_view(Access.STAFF)
@require_POST
def client_set_archived(request: HttpRequest, client_id: int) -> HttpResponse:
    client = get_for_user(staff_user(request), Client, pk=client_id)
    archived = request.POST.get("archived") == "1"
    services.client_set_archived(actor=staff_user(request), client=client, archived=archived)
    messages.success(request, f"{client} is {'archived' if archived else 'restored'}.")
    return redirect("clients:client-detail", client_id=client.pk)


@staff_view(Access.STAFF)
def consent_sign(request: HttpRequest, client_id: int, kind: str) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, pk=client_id)
    text = selectors.consent_texts_current().get(kind)
    if text is None:
        messages.error(request, "There is no consent text of that kind.")
        return redirect("clients:client-detail", client_id=client.pk)
    form = ConsentSignForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_sign(
                client=client, text=text, signature=form.cleaned_data["signature"], actor=user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, f"{text.title}: signed.")
            return redirect("clients:client-detail", client_id=client.pk)
    return render(
        request, "clients/consent_sign.html", {"client": client, "text": text, "form": form}
    )


@staff_view(Access.STAFF)
@require_POST
def consent_withdraw(request: HttpRequest, client_id: int, consent_id: int) -> HttpResponse:
    user = staff_user(request)
    consent = get_for_user(user, Consent, pk=consent_id, client_id=client_id)
    services.consent_withdraw(actor=user, consent=consent)
    messages.success(request, f"{consent}: withdrawn.")
    return redirect("clients:client-detail", client_id=client_id)
