"""`budaya invitations PERIOD INSTITUTION`: export personal links, e-mail them, or a shared link."""

from pathlib import Path

from budaya.cli import CommandError, setup_django

REISSUE_NOTE = (
    "Tautan lama yang belum dipakai tidak berlaku lagi; jawaban sementara tetap tersimpan. / "
    "Earlier unused links no longer work; saved drafts are kept."
)
SEALED_NOTE = (
    "the period was sealed at closing: personal links can no longer be issued or replaced; "
    "employees who have not answered use the links they already have"
)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "invitations",
        help="undangan survei: tautan pribadi, e-mail, tautan bersama / survey invitations",
        description=(
            "Membuat tautan pribadi sekali pakai (kolom nip, name, unit, link). Token hanya "
            "diketahui saat dibuat, jadi setiap ekspor membuat token baru untuk undangan yang "
            "belum dipakai. / Issues single-use personal links; every export issues new tokens "
            "for unused invitations, invalidating the old links."
        ),
    )
    parser.add_argument("period", metavar="PERIOD", help="kode periode / period code")
    parser.add_argument("institution", metavar="INSTITUTION", help="kode instansi / code")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument(
        "--out",
        metavar="FILE",
        type=Path,
        help="tulis CSV, atau XLSX bila berakhiran .xlsx / write CSV, or XLSX for .xlsx",
    )
    mode.add_argument(
        "--send-email",
        action="store_true",
        help="kirim e-mail ke pegawai yang punya alamat / e-mail entries that have an address",
    )
    mode.add_argument(
        "--shared-link",
        action="store_true",
        help="tampilkan (atau buat) tautan bersama instansi / print the institution's shared link",
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    """Issue and export, send, or print the shared link; print what happened."""
    setup_django()
    from django.db import transaction

    from budaya.cli._lookups import get_institution, get_period
    from budaya.survey.export import write_invitations
    from budaya.survey.services import (
        InvitationsSealed,
        create_invitations,
        get_or_create_shared_link,
        send_invitation_emails,
        shared_link_url,
    )

    period = get_period(args.period)
    institution = get_institution(args.institution)
    if args.shared_link:
        print(shared_link_url(get_or_create_shared_link(period, institution)))
        return 0
    if args.send_email:
        from budaya.safety import EmailNotConfigured, require_real_email

        try:
            require_real_email()
        except EmailNotConfigured as refused:
            raise CommandError(str(refused)) from None
        try:
            sent = send_invitation_emails(period, institution)
        except InvitationsSealed as error:
            raise CommandError(f"{error} / {SEALED_NOTE}") from None
        print(f"{sent} e-mail undangan dikirim / {sent} invitation e-mails sent. {REISSUE_NOTE}")
        return 0
    out = args.out
    if out.is_dir() or not out.parent.is_dir():
        raise CommandError(
            f"{out}: folder tujuan tidak ada atau nama berkas adalah folder / "
            f"{out}: target folder missing or the name is a folder"
        )
    # Writing happens inside the transaction: if the file cannot be written, no token changes.
    try:
        with transaction.atomic():
            issued = create_invitations(period, institution)
            kind = write_invitations(issued, out)
    except OSError as error:
        raise CommandError(
            f"{out}: tidak dapat ditulis ({error.strerror}) / cannot be written"
        ) from None
    except InvitationsSealed as error:
        raise CommandError(f"{error} / {SEALED_NOTE}") from None
    if not issued:
        print(
            "Tidak ada undangan untuk dibuat (daftar pegawai kosong atau semua sudah mengisi) / "
            "no invitations to issue (empty roster or everyone has answered)."
        )
    print(
        f"{len(issued)} tautan pribadi ditulis ke {out} ({kind.upper()}) / "
        f"{len(issued)} personal links written to {out}. {REISSUE_NOTE}"
    )
    return 0
