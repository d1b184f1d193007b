from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from PIL import Image

from acuface.clients.models import Client
from acuface.clients.selectors import client_has_consent
from acuface.core.access import Access, get_for_user, staff_user, staff_view
from acuface.core.webforms import apply_validation_error
from acuface.photos import selectors, services, vision_glue
from acuface.photos.forms import PhotoUploadForm, PointMoveForm, SessionPhotoForm
from acuface.photos.models import AnalysisStatus, Photo, PhotoSource
from acuface.treatments.models import TreatmentSession

PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Content-Disposition": "inline"}


def _photo(request: HttpRequest, photo_id: int) -> Photo:
    queryset = Photo.objects.select_related("client__clinic")
    return get_for_user(staff_user(request), queryset, access=Access.CLINICAL, pk=photo_id)


def _safe_next(request: HttpRequest, target: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


@staff_view(Access.CLINICAL)
def photo_upload(request: HttpRequest, client_id: int) -> HttpResponse:
    user = staff_user(request)
    client = get_for_user(user, Client, access=Access.CLINICAL, pk=client_id)
    initial = {
        "source": request.GET.get("source") or "client_record",
        "next": request.GET.get("next", ""),
    }
    form = PhotoUploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            photo = services.photo_upload(
                actor=user,
                client=client,
                upload=upload,
                filename=upload.name or "",
                size=upload.size,
                source=form.cleaned_data["source"],
                taken_on=form.cleaned_data["taken_on"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, "Photo uploaded. The analysis runs in the background.")
            return redirect(_safe_next(request, form.cleaned_data["next"]) or photo_url(photo))
    has_consent = client_has_consent(client=client, kind="photos")
    context = {"form": form, "client": client, "has_consent": has_consent}
    return render(request, "photos/photo_upload.html", context, status=400 if form.errors else 200)


@staff_view(Access.CLINICAL)
def session_photo(request: HttpRequest, session_id: int) -> HttpResponse:
    """The skin assessment's photo box on the session page: upload in place, so nothing typed
    in the assessment is lost; the photo belongs to the session."""
    user = staff_user(request)
    sessions = TreatmentSession.objects.select_related("client__clinic")
    session = get_for_user(user, sessions, access=Access.CLINICAL, pk=session_id)
    form = SessionPhotoForm(request.POST or None, request.FILES or None)
    added = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["image"]
        try:
            added = services.photo_upload(
                actor=user,
                client=session.client,
                upload=upload,
                filename=upload.name or "",
                size=upload.size,
                source=PhotoSource.SKIN_ASSESSMENT,
                session=session,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            form = SessionPhotoForm()
    if request.method == "POST" and not request.htmx:  # type: ignore[attr-defined]
        if added is not None:
            messages.success(request, "Photo added to the skin assessment.")
        else:
            messages.error(request, " ".join(str(e) for e in form.errors.get("image", [])))
        return redirect("treatments:session-detail", session_id=session.pk)
    context = {
        "session": session,
        "form": form,
        "added": added,
        "photos": selectors.session_photos(session=session),
        "has_consent": client_has_consent(client=session.client, kind="photos"),
    }
    return render(request, "photos/session_photo.html", context)


def photo_url(photo: Photo) -> str:
    return reverse("photos:photo-detail", kwargs={"photo_id": photo.pk})


@staff_view(Access.CLINICAL)
def photo_detail(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    services.photo_record_viewed(actor=staff_user(request), photo=photo)
    context = {
        **selectors.overlay_context(photo),
        "client": photo.client,
        "metrics": selectors.metric_rows(photo),
        "others": selectors.comparable_photos(photo=photo)[:20],
    }
    return render(request, "photos/photo_detail.html", context)


@staff_view(Access.CLINICAL)
def photo_status(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    response = render(request, "photos/photo_status.html", {"photo": photo})
    if photo.is_finished and request.GET.get("was") in ("pending", "running"):
        response["HX-Refresh"] = "true"  # the whole page now has points and metrics to show
    return response


@staff_view(Access.CLINICAL)
def photo_image(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    content_type = "image/png" if photo.image_format == "png" else "image/jpeg"
    with default_storage.open(photo.storage_name, "rb") as stored:
        response = HttpResponse(stored.read(), content_type=content_type)
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response


@staff_view(Access.CLINICAL)
@require_POST
def photo_reanalyse(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    if photo.status in (AnalysisStatus.PENDING, AnalysisStatus.RUNNING):
        messages.info(request, "This photo is already waiting for its analysis.")
    else:
        services.photo_request_analysis(actor=staff_user(request), photo=photo)
        messages.success(request, "The photo is queued for analysis.")
    return redirect(photo_url(photo))


@staff_view(Access.CLINICAL)
@require_POST
def photo_delete(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    client_id = photo.client_id
    services.photo_delete(actor=staff_user(request), photo=photo)
    messages.success(request, "The photo is deleted.")
    return redirect("clients:client-detail", client_id=client_id)


@staff_view(Access.CLINICAL)
@require_POST
def point_move(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    form = PointMoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "Send a point code, a side and two numbers."}, status=400)
    data = form.cleaned_data
    try:
        position = services.point_position_set(
            actor=staff_user(request),
            photo=photo,
            code=data["code"],
            side=data["side"],
            x=data["x"],
            y=data["y"],
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "code": position.code,
            "side": position.side,
            "x": position.x,
            "y": position.y,
            "state": "moved",
        }
    )


@staff_view(Access.CLINICAL)
@require_POST
def points_confirm(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = _photo(request, photo_id)
    try:
        count = services.points_confirm(actor=staff_user(request), photo=photo)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{count} point{'s' if count != 1 else ''} confirmed.")
    return redirect(_safe_next(request, request.POST.get("next", "")) or photo_url(photo))


@staff_view(Access.CLINICAL)
def photo_compare(request: HttpRequest, photo_id: int, other_photo_id: int) -> HttpResponse:
    first, second = selectors.before_and_after(
        _photo(request, photo_id), _photo(request, other_photo_id)
    )
    problem = _compare_problem(first, second)
    changes = [] if problem else vision_glue.region_changes(first.analysis, second.analysis)
    context = {
        "before": first,
        "after": second,
        "problem": problem,
        "changes": changes,
        "client": first.client,
        "svg_matrix": selectors.svg_matrix(first),
        "before_url": reverse("photos:photo-image", args=[first.pk]),
        "aligned_url": reverse("photos:photo-aligned-image", args=[first.pk, second.pk]),
    }
    return render(request, "photos/photo_compare.html", context)


def _compare_problem(first: Photo, second: Photo) -> str:
    if first.client_id != second.client_id:
        return "These photos are of two different clients."
    if first.pk == second.pk:
        return "Choose two different photos to compare."
    if not (first.analysis.get("face") and second.analysis.get("face")):
        return "Both photos need a finished analysis with a face before they can be compared."
    return ""


@staff_view(Access.CLINICAL)
def photo_aligned_image(request: HttpRequest, photo_id: int, other_photo_id: int) -> HttpResponse:
    """The other photo warped onto this photo's frame (computed on request, never stored)."""
    base, moved = _photo(request, photo_id), _photo(request, other_photo_id)
    if _compare_problem(base, moved):
        return HttpResponse("These photos cannot be aligned.", status=404)
    with (
        default_storage.open(base.storage_name, "rb") as a,
        default_storage.open(moved.storage_name, "rb") as b,
    ):
        pixels, _ = vision_glue.align_contents(a.read(), base.analysis, b.read(), moved.analysis)
    out = io.BytesIO()
    Image.fromarray(pixels, mode="RGB").save(out, format="JPEG", quality=90)
    response = HttpResponse(out.getvalue(), content_type="image/jpeg")
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response
