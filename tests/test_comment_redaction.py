"""Comments are redacted at submission (METHOD.md §14): runs of 8+ digits (NIP, phone numbers),
e-mail and web addresses become [disamarkan] before anything is stored, drafts included."""

import pytest
from django.urls import reverse

from budaya.survey.drafts import decrypt_draft, draft_key
from budaya.survey.flow import steps_of
from budaya.survey.models import Draft, Response
from budaya.survey.redaction import MARK, clean_comment, redact
from tests import test_survey_support as support

instrument = support.instrument
world = support.world

REDACTED = [
    # NIP, written in every way people write it
    ("NIP saya 199001012015031001, tolong dicek", "NIP saya [disamarkan], tolong dicek"),
    ("NIP 19900101 201503 1 001 belum naik pangkat", "NIP [disamarkan] belum naik pangkat"),
    ("nip: 19900101.201503.1.001", "nip: [disamarkan]"),
    ("NIP199001012015031001", "NIP[disamarkan]"),
    # phone numbers, Indonesian formats
    ("Hubungi saya di 081234567890", "Hubungi saya di [disamarkan]"),
    ("WA 0812-3456-7890 ya", "WA [disamarkan] ya"),
    ("telp 0812 3456 7890", "telp [disamarkan]"),
    ("nomor +62 812 3456 7890", "nomor [disamarkan]"),
    ("+6281234567890", "[disamarkan]"),
    ("62812.3456.7890 (Budi)", "[disamarkan] (Budi)"),
    ("kantor (021) 555 1234", "kantor [disamarkan]"),
    ("0812 - 3456 - 7890", "[disamarkan]"),
    # e-mail and web addresses
    ("kirim ke budi.santoso@kemenkeu.go.id segera", "kirim ke [disamarkan] segera"),
    ("email: ani_w+kantor@gmail.com.", "email: [disamarkan]."),
    ("budi [at] gmail.com", "[disamarkan]"),
    ("lihat https://lapor.go.id/laporan/123 dan", "lihat [disamarkan] dan"),
    ("buka www.bkn.go.id", "buka [disamarkan]"),
    ("laporkan di lapor.go.id saja", "laporkan di [disamarkan] saja"),
    ("bit.ly/abc123 isinya", "[disamarkan] isinya"),
    # Literal METHOD rule: a date in digits only or an amount of 8+ digits is a run of 8 digits.
    ("rapat tanggal 12-05-2024 batal", "rapat tanggal [disamarkan] batal"),
    ("anggaran Rp 15.000.000 belum cair", "anggaran Rp [disamarkan] belum cair"),
]

KEPT = [
    "Tahun 2024 lebih baik dari 2023",
    "Saya beri skor 4 untuk pelayanan",
    "Tunjangan Rp 50.000 per bulan terlalu kecil",
    "Honor Rp 1.500.000 belum dibayar",
    "Rapat pada 12 Mei 2024 jam 09.00",
    "Ruang lantai 3, nomor 12",
    "Antre 2 jam, 30 orang",
    "Pada 2019 dan 2020 tidak ada pelatihan",
    "Telepon lokal 555 1234",  # seven digits
    "dst.Saya rasa cukup",
    "Kepemimpinan 5/5, fasilitas 3/5",
    "",
]


@pytest.mark.parametrize("text, expected", REDACTED)
def test_numbers_addresses_and_nips_are_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", KEPT)
def test_years_scores_dates_in_words_and_small_amounts_stay(text):
    assert redact(text) == text


def test_redaction_is_idempotent_and_cutting_never_exposes_digits():
    text = "a" * 1995 + " 199001012015031001"
    cut = clean_comment(text, 2000)
    assert len(cut) <= 2000 and "1990" not in cut
    assert redact(redact(REDACTED[1][0])) == REDACTED[1][1]
    assert MARK == "[disamarkan]"


def test_the_submitted_comment_and_the_draft_hold_only_the_redacted_text(client, world, instrument):
    period, institution, entries, tokens = world
    token = tokens[entries[0].pk]
    original = "Atasan saya (NIP 199001012015031001, HP 0812-3456-7890, budi@contoh.go.id) baik."
    steps = steps_of(instrument)
    comment_step = next(step for step in steps if step.kind == "comment")
    response = client.post(
        reverse("survey:step", args=[token, comment_step.number]),
        {"comment": original, "action": "next"},
    )
    assert response.status_code == 302
    draft = Draft.objects.get()
    stored_draft = decrypt_draft(draft.ciphertext, draft_key(token), draft.locator)["comment"]
    assert stored_draft == "Atasan saya (NIP [disamarkan], HP [disamarkan], [disamarkan]) baik."
    page = client.get(reverse("survey:step", args=[token, comment_step.number])).content.decode()
    assert "199001012015031001" not in page and "[disamarkan]" in page
    for step in steps:
        if step.items:
            answers = {item.code: "4" for item in step.items}
            client.post(
                reverse("survey:step", args=[token, step.number]), {**answers, "action": "next"}
            )
    done = client.post(reverse("survey:step", args=[token, len(steps)]), {"action": "submit"})
    assert done.status_code == 302
    assert Response.objects.get().comment == stored_draft


def test_the_service_redacts_whatever_the_draft_holds(world, instrument):
    from budaya.survey.services import clean_submission

    cleaned = clean_submission(instrument, {"comment": "  hubungi 0812 3456 7890  "})
    assert cleaned.comment == "hubungi [disamarkan]"
