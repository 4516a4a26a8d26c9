"""`budaya invitations PERIOD INSTITUTION`: personal links (issued once), letters, e-mail,
reminders, the shared link; replacing links only with `--reissue` and a confirmation."""

import sys
from pathlib import Path

from budaya.cli import CommandError, setup_django
from budaya.cli._progress import TerminalProgress, add_option

SEALED_NOTE = (
    "the period was sealed at closing: personal links can no longer be issued or replaced; "
    "employees who have not answered use the links they already have"
)
KEEP_NOTE = (
    "Tautan tidak pernah diganti tanpa --reissue. / Links are never replaced without --reissue."
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "invitations",
        help="undangan survei: tautan pribadi, surat, e-mail, pengingat, tautan bersama / "
        "survey invitations",
        description=(
            "Tautan pribadi diterbitkan sekali per pegawai (kelompok baru hanya untuk pegawai "
            "yang belum punya tautan). Tautan sebuah kelompok disimpan terenkripsi selama "
            "BUDAYA_INVITATION_LINKS_DAYS hari, jadi --out, --letters dan --send-email dapat "
            "diulang tanpa mengganti tautan. Mengganti tautan hanya dengan --reissue dan "
            "konfirmasi. / Personal links are issued once per employee; a batch's links are kept "
            "(encrypted) for BUDAYA_INVITATION_LINKS_DAYS days, so --out, --letters and "
            "--send-email can be repeated without replacing any link. Only --reissue (confirmed) "
            "replaces links."
        ),
    )
    parser.add_argument("period", metavar="PERIOD", help="kode periode / period code")
    parser.add_argument("institution", metavar="INSTITUTION", help="kode instansi / code")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="tulis tautan (CSV, atau XLSX bila berakhiran .xlsx) / write the links as CSV or XLSX",
    )
    mode.add_argument(
        "--letters",
        metavar="FILE",
        type=Path,
        help="tulis surat undangan PDF A4, satu halaman per pegawai / write the letters PDF",
    )
    mode.add_argument(
        "--send-email",
        action="store_true",
        help="kirim e-mail tautan yang masih disimpan / e-mail the links still kept",
    )
    mode.add_argument(
        "--remind",
        action="store_true",
        help="kirim pengingat ke yang belum mengisi / e-mail reminders to those who have not "
        "answered (period open)",
    )
    mode.add_argument(
        "--forget-links",
        action="store_true",
        help="hapus tautan yang disimpan dari server / delete the kept links from the server",
    )
    mode.add_argument(
        "--shared-link",
        action="store_true",
        help="tampilkan (atau buat) tautan bersama instansi / print the institution's shared link",
    )
    mode.add_argument(
        "--shared-message",
        action="store_true",
        help="cetak pesan siap tempel dengan tautan bersama / print the ready-to-paste message",
    )
    parser.add_argument(
        "--batch",
        metavar="N",
        type=int,
        help="hanya kelompok N / only batch N (for --out, --letters, --forget-links, --reissue)",
    )
    parser.add_argument(
        "--unit",
        metavar="CODE",
        help="hanya pegawai unit kerja CODE / only the employees of work unit CODE (for --out, "
        "--letters)",
    )
    parser.add_argument(
        "--reissue",
        action="store_true",
        help="ganti tautan (semua, atau --batch N): tautan lama berhenti berlaku; meminta "
        "konfirmasi / replace links; the old ones stop working; asks for confirmation",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="konfirmasi --reissue tanpa pertanyaan / confirm --reissue without asking",
    )
    add_option(parser)  # --progress: the letters' bar (per letter) on stderr
    parser.set_defaults(func=run)


def _confirm_reissue(count: int, assume_yes: bool) -> None:
    """Ask for the count of links that stop working; refuse without a terminal or --yes."""
    warning = (
        f"{count} tautan pribadi yang sudah dibagikan akan berhenti berlaku. / "
        f"{count} personal links already handed out will stop working."
    )
    if assume_yes:
        print(warning)
        return
    if not sys.stdin.isatty():
        raise CommandError(
            f"{warning} Tambahkan --yes untuk mengonfirmasi; tidak ada yang diubah. / "
            "Add --yes to confirm; nothing was changed."
        )
    print(warning)
    answer = input(f"Ketik {count} untuk melanjutkan / type {count} to go on: ").strip()
    if answer != str(count):
        raise CommandError("Dibatalkan; tidak ada yang diubah. / Cancelled; nothing was changed.")


def _check_target(out: Path) -> None:
    if out.is_dir() or not out.parent.is_dir():
        raise CommandError(
            f"{out}: folder tujuan tidak ada atau nama berkas adalah folder / "
            f"{out}: target folder missing or the name is a folder"
        )


def run(args) -> int:
    """Do what the options ask; print what happened."""
    setup_django()
    from budaya.cli._lookups import get_institution, get_period
    from budaya.survey.services import InvitationsSealed

    period = get_period(args.period)
    institution = get_institution(args.institution)
    modes = (args.out, args.letters, args.send_email, args.remind, args.forget_links)
    if not any(modes) and not (args.shared_link or args.shared_message or args.reissue):
        raise CommandError(
            "pilih salah satu: --out, --letters, --send-email, --remind, --forget-links, "
            "--shared-link, --shared-message atau --reissue / choose what to do"
        )
    if args.reissue and (args.send_email or args.remind or args.forget_links):
        raise CommandError(
            "--reissue hanya dengan --out atau --letters (atau sendiri); kirim e-mail sesudahnya "
            "dengan --send-email / --reissue goes with --out or --letters only"
        )
    try:
        return _run(args, period, institution)
    except InvitationsSealed as error:
        raise CommandError(f"{error} / {SEALED_NOTE}") from None


def _run(args, period, institution) -> int:
    from budaya.survey.models import InvitationBatch

    if args.shared_link or args.shared_message:
        from budaya.survey.delivery import shared_message
        from budaya.survey.services import (
            get_or_create_shared_link,
            refuse_sealed,
            shared_link_url,
        )

        if args.shared_message:
            refuse_sealed(period)
        url = shared_link_url(get_or_create_shared_link(period, institution))
        print(shared_message(period, institution, url) if args.shared_message else url)
        return 0
    if args.send_email or args.remind:
        return _send(args, period, institution)
    if args.forget_links:
        from budaya.survey.batches import forget_links

        batches = InvitationBatch.objects.filter(period=period, institution=institution)
        if args.batch is not None:
            batches = batches.filter(number=args.batch)
        count = forget_links(batches)
        print(
            f"Tautan {count} kelompok dihapus dari server; tautan yang sudah dibagikan tetap "
            f"berlaku. / Kept links of {count} batches deleted; links handed out still work."
        )
        return 0
    target = args.out or args.letters
    if target is not None:
        _check_target(target)
    return _write(args, period, institution, target)


def _write(args, period, institution, target) -> int:
    """Issue links to entries without one (or reissue, confirmed), then write the links."""
    from django.db import transaction

    from budaya.survey.batches import LinksGone, purge_expired_links
    from budaya.survey.models import InvitationBatch
    from budaya.survey.services import (
        batch_links,
        delivered_invitations,
        issue_invitations,
        refuse_sealed,
        reissue_invitations,
    )

    refuse_sealed(period)
    purge_expired_links()
    if args.reissue:
        count = delivered_invitations(period, institution, args.batch).count()
        if count == 0:
            raise CommandError(
                "Tidak ada tautan untuk diterbitkan ulang. / There are no links to reissue."
            )
        _confirm_reissue(count, args.yes)
    # Writing happens inside the transaction: if the file cannot be written, nothing changes.
    try:
        with transaction.atomic():
            if args.reissue:
                batch, _issued = reissue_invitations(
                    period, institution, number=args.batch, expected=count
                )
                batches = [batch]
                print(
                    f"{count} tautan lama tidak berlaku lagi; kelompok {batch.number} berisi "
                    f"tautan baru. / {count} old links replaced by batch {batch.number}."
                )
            else:
                batch, issued = issue_invitations(period, institution)
                if batch is not None:
                    print(
                        f"{len(issued)} tautan pribadi diterbitkan (kelompok {batch.number}). / "
                        f"{len(issued)} personal links issued (batch {batch.number})."
                    )
                batches = InvitationBatch.objects.filter(period=period, institution=institution)
                if args.batch is not None:
                    batches = batches.filter(number=args.batch)
                    if not batches:
                        raise CommandError(
                            f"kelompok {args.batch} tidak ada / batch {args.batch} does not exist"
                        )
            pairs, gone = [], []
            for one in batches:
                try:
                    pairs.extend(batch_links(one))
                except LinksGone:
                    if InvitationBatch.objects.filter(pk=one.pk, invitations__isnull=False):
                        gone.append(one.number)
            if args.unit:
                pairs = [pair for pair in pairs if pair[0].unit.code == args.unit]
                if not pairs and target is not None:
                    raise CommandError(
                        f"tidak ada tautan untuk unit kerja {args.unit} / "
                        f"no links for work unit {args.unit}"
                    )
            if not pairs and target is not None:
                raise CommandError(_gone_message(gone))
            kind = _write_file(
                period, institution, pairs, target, args.letters is not None, args.progress
            )
    except OSError as error:
        raise CommandError(
            f"{target}: tidak dapat ditulis ({error.strerror}) / cannot be written"
        ) from None
    if target is not None:
        print(
            f"{len(pairs)} tautan pribadi ditulis ke {target} ({kind}) / "
            f"{len(pairs)} personal links written to {target}. {KEEP_NOTE}"
        )
    if gone:
        numbers = ", ".join(str(n) for n in gone)
        print(
            f"Tautan kelompok {numbers} tidak disimpan lagi dan tidak ditulis. / "
            f"The links of batch {numbers} are no longer kept and were not written."
        )
    return 0


def _gone_message(gone) -> str:
    if not gone:
        return (
            "Tidak ada tautan untuk ditulis (daftar pegawai kosong). / "
            "No links to write (empty roster)."
        )
    numbers = ", ".join(str(n) for n in gone)
    return (
        f"Tautan kelompok {numbers} tidak disimpan lagi di server, jadi tidak dapat ditulis "
        "lagi; tautan yang sudah dibagikan tetap berlaku. Tautan baru hanya dengan --reissue "
        f"(tautan lama berhenti berlaku). / The links of batch {numbers} are no longer kept; "
        "new links only with --reissue."
    )


def _write_file(period, institution, pairs, target, letters: bool, shown=False) -> str:
    """Write the links to `target` (letters PDF, or CSV/XLSX); return the format written. The
    letters show a bar on stderr (per letter) on a terminal or with `--progress` (`shown`)."""
    if target is None:
        return ""
    if letters:
        from budaya.survey.letters import LettersError, letters_pdf

        with TerminalProgress("surat / letters", len(pairs), enabled=shown) as bar:
            step = (lambda done: bar.update(done, len(pairs))) if bar.enabled else None
            try:
                target.write_bytes(letters_pdf(period, institution, pairs, step=step))
            except LettersError as error:
                raise CommandError(str(error)) from None
        return "PDF"
    from budaya.survey.export import write_invitations

    return write_invitations(pairs, target).upper()


def _send(args, period, institution) -> int:
    """Send invitation e-mails or reminders in the foreground, printing the counts."""
    from budaya.safety import EmailNotConfigured, require_real_email

    try:
        require_real_email()
    except EmailNotConfigured as refused:
        raise CommandError(str(refused)) from None
    if args.remind:
        from budaya.audit.services import log_action
        from budaya.survey.delivery import (
            reminder_counts_shown,
            reminder_refusal,
            send_reminders,
        )

        reason = reminder_refusal(period, institution)
        if reason:
            raise CommandError(reason)
        outcome = send_reminders(period, institution)
        log_action(
            None, "invitations.remind", institution=institution,
            target=f"{period.code} / {institution.code}",
        )  # fmt: skip
        if reminder_counts_shown(period, institution):
            print(
                f"Pengingat: {outcome.sent} terkirim, {outcome.failed} gagal, dari "
                f"{outcome.total}. / Reminders: {outcome.sent} sent, {outcome.failed} failed."
            )
        else:
            print(
                "Pengingat dikirim; jumlahnya tidak ditampilkan karena dapat menunjukkan siapa "
                "yang sudah mengisi (docs/anonymity.md). / Reminders sent; their number is not "
                "shown: it could tell who has answered."
            )
        return 0
    from budaya.survey.delivery import send_invitation_emails

    sent = send_invitation_emails(period, institution)
    print(f"{sent} e-mail undangan dikirim / {sent} invitation e-mails sent. {KEEP_NOTE}")
    return 0
