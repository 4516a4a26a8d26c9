"""The institution administrator's invitation pages: issue links once, deliver them, remind.

- `/undangan/<period>/<institution>/`: counts, the batches of links (letters PDF, XLSX, CSV and
  e-mail while a batch's links are kept), "issue for N new employees", reminders, the shared
  link and its ready-to-paste message. Downloading never issues or replaces a link.
- `/undangan/<period>/<institution>/kelompok/<n>/<fmt>/`: a batch's links as csv or xlsx.
- `/undangan/<period>/<institution>/kelompok/<n>/surat/` (POST): queue the batch's letters PDF;
  `/undangan/<period>/<institution>/surat/<job>/`: its progress, then one download (by whoever
  asked for it) of the encrypted-at-rest file, deleted as it is sent.
- `/undangan/<period>/<institution>/terbitkan-ulang/`: the one way to replace links: it says how
  many links stop working and needs a ticked confirmation (POST).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from budaya.audit.services import log_action
from budaya.institutions.access import require_institution_admin
from budaya.institutions.models import Institution
from budaya.jobs.models import Job
from budaya.jobs.pages import progress_json
from budaya.periods.models import Period
from budaya.survey.batches import (
    LETTERS,
    LinksGone,
    forget_letters,
    forget_links,
    keep_days,
    open_letters,
    purge_expired_links,
)
from budaya.survey.delivery import (
    ACTIVE,
    DeliveryRefused,
    period_open_today,
    queue_batch_email,
    queue_reminders,
    reminder_counts_shown,
    reminder_refusal,
    shared_message,
)
from budaya.survey.export import csv_bytes, xlsx_bytes
from budaya.survey.letters import queue_letters
from budaya.survey.models import Invitation, InvitationBatch, InvitationDelivery, SharedLink
from budaya.survey.services import (
    InvitationsSealed,
    ReissueChanged,
    batch_links,
    delivered_invitations,
    get_or_create_shared_link,
    invitation_counts,
    issue_invitations,
    refuse_sealed,
    reissue_invitations,
    shared_link_url,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def _scope(request, period_code, institution_code):
    period = get_object_or_404(Period, code=period_code)
    institution = get_object_or_404(Institution, code=institution_code)
    require_institution_admin(request, institution)
    return period, institution


def _back(period, institution):
    return redirect(
        "survey:invitations", period_code=period.code, institution_code=institution.code
    )


def _batch(period, institution, number) -> InvitationBatch | None:
    return InvitationBatch.objects.filter(
        period=period, institution=institution, number=number
    ).first()


def _batches(period, institution) -> list[InvitationBatch]:
    batches = list(
        InvitationBatch.objects.filter(period=period, institution=institution)
        .annotate(
            current=Count("invitations"),
            current_with_email=Count("invitations", filter=~Q(invitations__roster_entry__email="")),
        )
        .order_by("-number")
    )
    latest = {}
    for delivery in InvitationDelivery.objects.filter(
        period=period, institution=institution, kind=InvitationDelivery.Kind.EMAIL
    ).order_by("pk"):
        latest[delivery.batch_id] = delivery
    for batch in batches:
        batch.email_delivery = latest.get(batch.pk)
        batch.units = (
            list(
                Invitation.objects.filter(batch=batch)
                .order_by("roster_entry__unit__code")
                .values_list("roster_entry__unit__code", "roster_entry__unit__name")
                .distinct()
            )
            if batch.links_held and batch.current
            else []
        )
    return batches


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def invitations(request, period_code, institution_code):
    """Show the invitation page; POST issues new links, queues e-mail or reminders, deletes a
    batch's kept links, or makes the shared link. Nothing here replaces a link."""
    period, institution = _scope(request, period_code, institution_code)
    purge_expired_links()
    if request.method == "POST":
        _act(request, period, institution, request.POST.get("action", ""))
        return _back(period, institution)
    shared = SharedLink.objects.filter(period=period, institution=institution).first()
    batches = _batches(period, institution)
    reminders = list(
        InvitationDelivery.objects.filter(
            period=period, institution=institution, kind=InvitationDelivery.Kind.REMINDER
        ).order_by("-pk")[:5]
    )
    active = any(b.email_delivery and b.email_delivery.state in ACTIVE for b in batches) or any(
        r.state in ACTIVE for r in reminders
    )
    shared_url = shared_link_url(shared) if shared else ""
    return render(
        request,
        "survey/invitations.html",
        {
            "period": period,
            "institution": institution,
            "counts": invitation_counts(period, institution),
            "sealed": period.sealed_on is not None,
            "batches": batches,
            "reissuable": any(batch.current for batch in batches),
            "reminders": reminders,
            "reminder_refusal": reminder_refusal(period, institution),
            "reminder_counts_shown": reminder_counts_shown(period, institution),
            "period_open": period_open_today(period),
            "shared_url": shared_url,
            "shared_message": shared_message(period, institution, shared_url) if shared_url else "",
            "refresh": active,
            # this person's letters still to download (or being made)
            "letters_jobs": list(
                Job.objects.filter(
                    period=period,
                    institution=institution,
                    kind=LETTERS,
                    requested_by=request.user,
                )
                .exclude(state=Job.State.DONE, output="")
                .order_by("-pk")[:5]
            ),
        },
    )


def _act(request, period, institution, action: str) -> None:
    """Carry out one POST action of the invitation page and leave a message saying what
    happened (or why nothing did)."""
    try:
        if action == "issue":
            batch, issued = issue_invitations(period, institution, actor=request.user)
            if batch is None:
                messages.info(request, _("Semua pegawai di daftar sudah mempunyai tautan."))
            else:
                messages.success(
                    request,
                    _(
                        "%(count)d tautan pribadi diterbitkan sebagai kelompok %(number)d. Unduh "
                        "surat atau berkasnya, atau kirim e-mail, sebelum %(until)s; setelah itu "
                        "tautannya tidak disimpan lagi."
                    )
                    % {
                        "count": len(issued),
                        "number": batch.number,
                        "until": batch.links_until.strftime("%d-%m-%Y"),
                    },
                )
        elif action == "email":
            from budaya.safety import console_email_page_message, console_email_refused

            if console_email_refused():
                messages.error(request, console_email_page_message())
                return
            batch = _batch(period, institution, _number(request.POST.get("batch")))
            if batch is None:
                messages.error(request, _("Kelompok undangan tidak ditemukan."))
                return
            queue_batch_email(batch, actor=request.user)
            messages.success(
                request,
                _(
                    "E-mail kelompok %(number)d sedang dikirim di latar belakang; kemajuannya "
                    "tampil di halaman ini. Tidak ada tautan yang diganti."
                )
                % {"number": batch.number},
            )
        elif action == "remind":
            from budaya.safety import console_email_page_message, console_email_refused

            if console_email_refused():
                messages.error(request, console_email_page_message())
                return
            queue_reminders(period, institution, actor=request.user)
            messages.success(
                request,
                _(
                    "Pengingat sedang dikirim di latar belakang ke pegawai yang belum mengisi. "
                    "Siapa yang menerimanya tidak dicatat."
                ),
            )
        elif action == "forget":
            batch = _batch(period, institution, _number(request.POST.get("batch")))
            if batch is None:
                messages.error(request, _("Kelompok undangan tidak ditemukan."))
                return
            if forget_links(InvitationBatch.objects.filter(pk=batch.pk)):
                log_action(
                    request.user,
                    "invitations.forget",
                    institution=institution,
                    target=f"{period.code} / {institution.code}",
                    detail={"batch": batch.number},
                )
            messages.success(
                request,
                _(
                    "Tautan kelompok %(number)d dihapus dari server. Tautan yang sudah dibagikan "
                    "tetap berlaku."
                )
                % {"number": batch.number},
            )
        elif action == "shared":
            refuse_sealed(period)
            get_or_create_shared_link(period, institution, actor=request.user)
            messages.success(request, _("Tautan bersama siap dibagikan."))
        elif action in ("csv", "xlsx"):
            # The former "download" buttons issued new links each time. Downloads are now per
            # batch (GET) and never replace a link; this old request changes nothing.
            messages.error(
                request,
                _(
                    "Unduhan kini per kelompok undangan dan tidak pernah mengganti tautan; "
                    "pakai tombol unduh pada kelompoknya. Tidak ada yang diubah."
                ),
            )
        else:
            messages.error(request, _("Tindakan tidak dikenal."))
    except (InvitationsSealed, DeliveryRefused) as error:
        messages.error(request, str(error))


def _number(raw) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def _gone(request, batch):
    messages.error(
        request,
        _(
            "Tautan kelompok %(number)d tidak disimpan lagi di server (dihapus, lewat masa "
            "simpan, atau periode disegel), jadi tidak dapat diunduh lagi. Tautan yang sudah "
            'dibagikan tetap berlaku; tautan baru hanya lewat "Terbitkan ulang".'
        )
        % {"number": batch.number},
    )


def _working_pairs(request, batch, unit):
    """Return the batch's working (entry, token) pairs, of `unit` when given; None (with a
    message for the page) when its links are gone or the unit has none."""
    purge_expired_links()
    batch.refresh_from_db()
    try:
        pairs = batch_links(batch)
    except LinksGone:
        _gone(request, batch)
        return None
    if unit:
        pairs = [pair for pair in pairs if pair[0].unit.code == unit]
        if not pairs:
            messages.error(
                request,
                _("Kelompok %(number)d tidak mempunyai tautan untuk unit kerja %(unit)s.")
                % {"number": batch.number, "unit": unit},
            )
            return None
    return pairs


@never_cache
@login_required
@require_GET
def download(request, period_code, institution_code, number, fmt):
    """Send a batch's working links as CSV or XLSX; issues and replaces nothing. (The letters
    PDF is a background job: `letters_start`.)"""
    period, institution = _scope(request, period_code, institution_code)
    if fmt not in FORMATS:
        raise Http404
    batch = _batch(period, institution, number)
    if batch is None:
        raise Http404
    unit = (request.GET.get("unit") or "").strip()
    pairs = _working_pairs(request, batch, unit)
    if pairs is None:
        return _back(period, institution)
    suffix = f"-{unit}" if unit else ""
    body = csv_bytes(pairs) if fmt == "csv" else xlsx_bytes(pairs)
    content_type = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    filename = f"undangan-{period.code}-{institution.code}-{batch.number}{suffix}.{fmt}"
    log_action(
        request.user,
        "invitations.download",
        institution=institution,
        target=f"{period.code} / {institution.code}",
        detail={
            "batch": batch.number,
            "format": fmt,
            "links": len(pairs),
            **({"unit": unit} if unit else {}),
        },
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_POST
def letters_start(request, period_code, institution_code, number):
    """Queue the letters PDF of a batch (of one unit with `unit`); `budaya worker` renders it
    and its page shows the progress, then the one download."""
    period, institution = _scope(request, period_code, institution_code)
    batch = _batch(period, institution, number)
    if batch is None:
        raise Http404
    unit = (request.POST.get("unit") or "").strip()
    if _working_pairs(request, batch, unit) is None:
        return _back(period, institution)
    job = queue_letters(batch, unit, request.user)
    return redirect(
        "survey:letters_job",
        period_code=period.code,
        institution_code=institution.code,
        letters_id=job.pk,
    )


def _letters_job(request, period_code, institution_code, letters_id):
    period, institution = _scope(request, period_code, institution_code)
    job = get_object_or_404(
        Job, pk=letters_id, period=period, institution=institution, kind=LETTERS
    )
    return period, institution, job


@never_cache
@login_required
@require_GET
def letters_job(request, period_code, institution_code, letters_id):
    """Show a letters job: its bar (per letter), then the download for whoever asked for it."""
    period, institution, job = _letters_job(request, period_code, institution_code, letters_id)
    return render(
        request,
        "survey/letters_job.html",
        {
            "period": period,
            "institution": institution,
            "job": job,
            "mine": job.requested_by_id == request.user.pk,
            "batch_number": job.result.get("batch"),
            "unit": job.result.get("unit", ""),
            "link_days": keep_days(),
            "progress_url": reverse(
                "survey:letters_progress", args=[period.code, institution.code, job.pk]
            ),
        },
    )


@never_cache
@login_required
@require_GET
def letters_progress(request, period_code, institution_code, letters_id):
    """Return a letters job's progress as JSON (job-progress.js polls it)."""
    _period, _institution, job = _letters_job(request, period_code, institution_code, letters_id)
    return progress_json(job)


@never_cache
@login_required
@require_GET
def letters_download(request, period_code, institution_code, letters_id):
    """Send the letters PDF once, to the person who asked for it, then delete it (the file
    holds plain links)."""
    period, institution, job = _letters_job(request, period_code, institution_code, letters_id)
    if job.requested_by_id != request.user.pk:
        raise PermissionDenied(_("Surat ini hanya dapat diunduh oleh yang memintanya."))
    page = redirect(
        "survey:letters_job",
        period_code=period.code,
        institution_code=institution.code,
        letters_id=job.pk,
    )
    if not job.may_download:
        messages.error(
            request,
            _("Surat belum selesai dibuat, atau sudah diunduh dan dihapus dari server."),
        )
        return page
    try:
        body = open_letters(job)
    except LinksGone:
        forget_letters(Job.objects.filter(pk=job.pk))
        messages.error(request, _("Berkas surat tidak dapat dibuka lagi; buat suratnya lagi."))
        return page
    forget_letters(Job.objects.filter(pk=job.pk))
    log_action(
        request.user,
        "invitations.download",
        institution=institution,
        target=f"{period.code} / {institution.code}",
        detail={
            "batch": job.result.get("batch"),
            "format": "pdf",
            "links": job.total,
            **({"unit": job.result["unit"]} if job.result.get("unit") else {}),
        },
    )
    response = HttpResponse(body, content_type="application/pdf")
    filename = job.result.get("filename") or "surat-undangan.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reissue(request, period_code, institution_code):
    """Replace links, after saying how many stop working and a ticked confirmation (POST)."""
    period, institution = _scope(request, period_code, institution_code)
    data = request.POST if request.method == "POST" else request.GET
    raw = (data.get("kelompok") or "").strip()
    number = _number(raw) if raw else None
    batches = [
        batch
        for batch in InvitationBatch.objects.filter(period=period, institution=institution)
        .annotate(current=Count("invitations"))
        .order_by("number")
        if batch.current
    ]
    error = ""
    if number is not None and not any(batch.number == number for batch in batches):
        error = _("Kelompok %(number)s tidak ada atau tidak lagi memegang tautan.") % {
            "number": raw
        }
        number = None
    count = delivered_invitations(period, institution, number).count()
    if request.method == "POST" and not error:
        expected = _number(request.POST.get("expected"))
        if request.POST.get("confirm") != "yes":
            error = _(
                "Centang kotak konfirmasi untuk menerbitkan ulang. Tidak ada tautan yang diganti."
            )
        elif expected != count:
            error = _(
                "Jumlah tautan berubah sejak halaman ini dibuka (sekarang %(count)d). Periksa "
                "lagi lalu konfirmasi. Tidak ada tautan yang diganti."
            ) % {"count": count}
        else:
            try:
                batch, issued = reissue_invitations(
                    period, institution, number=number, expected=count, actor=request.user
                )
            except InvitationsSealed as sealed:
                error = str(sealed)
            except ReissueChanged as changed:
                count = changed.args[0]
                error = _(
                    "Jumlah tautan berubah sejak halaman ini dibuka (sekarang %(count)d). "
                    "Periksa lagi lalu konfirmasi. Tidak ada tautan yang diganti."
                ) % {"count": count}
            else:
                if batch is not None:
                    messages.success(
                        request,
                        _(
                            "%(count)d tautan baru diterbitkan sebagai kelompok %(number)d; "
                            "%(count)d tautan lama tidak berlaku lagi. Unduh surat atau berkasnya, "
                            "atau kirim e-mail."
                        )
                        % {"count": len(issued), "number": batch.number},
                    )
                return _back(period, institution)
    return render(
        request,
        "survey/reissue.html",
        {
            "period": period,
            "institution": institution,
            "batches": batches,
            "number": number,
            "count": count,
            "error": error,
            "sealed": period.sealed_on is not None,
        },
        status=400 if error and request.method == "POST" else 200,
    )
