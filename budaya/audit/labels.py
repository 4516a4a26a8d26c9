"""Readable audit entries: a translated label per action and the detail as plain text.

The log stores dotted action names ("results.release") and a small JSON detail; people read
"Hasil dirilis" / "Results released" and "versi: 3; pemicu: Penutupan periode". An action or a
detail key this table does not know (yet) is shown as stored, never dropped.
"""

from django.utils import formats
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "api.token_create": _("Token API dibuat"),
    "api.token_revoke": _("Token API dicabut"),
    "actions.action_create": _("Tindakan rencana aksi ditambahkan"),
    "actions.action_update": _("Tindakan rencana aksi diperbarui"),
    "actions.activity_log": _("Kegiatan internalisasi dicatat"),
    "actions.agent_add": _("Agen perubahan didaftarkan"),
    "actions.agent_remove": _("Agen perubahan dihapus dari daftar"),
    "actions.evidence_add": _("Bukti kegiatan internalisasi diunggah"),
    "actions.evidence_remove": _("Bukti rencana aksi dihapus"),
    "actions.plan_create": _("Rencana aksi dibuat"),
    "actions.reminder_send": _("Pengingat tindakan lewat tenggat dikirim"),
    "branding.link_create": _("Tautan survei citra pemberi kerja dibuat"),
    "evaluation.criterion_save": _("Jawaban kriteria evaluasi disimpan"),
    "evaluation.evidence_remove": _("Bukti evaluasi dihapus"),
    "evaluation.finalise": _("Evaluasi difinalkan"),
    "evaluation.import": _("Evaluasi diimpor"),
    "evaluation.judge": _("Kriteria evaluasi dinilai"),
    "evaluation.reopen": _("Evaluasi dibuka kembali"),
    "evaluation.return": _("Evaluasi dikembalikan untuk revisi"),
    "evaluation.schedule": _("Batas pengiriman evaluasi ditetapkan"),
    "evaluation.submit": _("Evaluasi diajukan"),
    "invitations.download": _("Tautan undangan diunduh"),
    "invitations.forget": _("Tautan undangan dihapus dari server"),
    "institution.create": _("Instansi ditambahkan"),
    "institution.import": _("Instansi diimpor"),
    "institution.update": _("Instansi diubah"),
    "invitations.issue": _("Undangan dibuat"),
    "invitations.reissue": _("Undangan diterbitkan ulang"),
    "invitations.remind": _("Pengingat undangan dikirim"),
    "invitations.send": _("Undangan dikirim"),
    "period.close": _("Periode ditutup"),
    "period.create": _("Periode dibuat"),
    "period.open": _("Periode dibuka"),
    "period.reopen": _("Periode dibuka kembali"),
    "period.update": _("Periode draf diubah"),
    "results.release": _("Hasil dirilis"),
    "roster.import": _("Daftar pegawai diimpor"),
    "security.totp_disable": _("Verifikasi dua langkah dimatikan"),
    "security.totp_enable": _("Verifikasi dua langkah diaktifkan"),
    "shared_link.create": _("Tautan bersama dibuat"),
    "unit.create": _("Unit kerja ditambahkan"),
    "unit.import": _("Unit kerja diimpor"),
    "unit.move": _("Unit kerja dipindah"),
    "unit.rename": _("Unit kerja diganti nama"),
    "unit.restore": _("Unit kerja diaktifkan lagi"),
    "unit.retire": _("Unit kerja dinonaktifkan"),
    "user.activate": _("Akun petugas diaktifkan"),
    "user.add": _("Pengguna ditambahkan"),
    "user.deactivate": _("Akses petugas dicabut"),
    "user.totp_reset": _("Verifikasi dua langkah petugas diatur ulang"),
    "user.unlock": _("Percobaan masuk petugas yang gagal dilupakan"),
    "user.invite": _("Petugas diundang"),
    "user.role_change": _("Peran petugas diubah"),
    "user.update": _("Pengguna diubah"),
}

DETAIL_LABELS = {
    "carried_over": _("skor dibawa dari rilis sebelumnya"),
    "closes_on": _("ditutup pada"),
    "batch": _("kelompok undangan"),
    "created": pgettext_lazy("audit detail", "dibuat"),
    "decree_number": _("nomor SK"),
    "due_on": _("tenggat"),
    "focus": _("fokus"),
    "held_on": _("tanggal kegiatan"),
    "kind": _("jenis"),
    "previous_status": _("status sebelumnya"),
    "status": _("status"),
    "criteria": _("kriteria"),
    "deactivated": _("akun dinonaktifkan"),
    "deadline": _("batas"),
    "fields": _("isian"),
    "new": _("baru"),
    "old": _("lama"),
    "parent": _("unit induk"),
    "region": _("wilayah"),
    "criterion": _("kriteria"),
    "decision": _("keputusan"),
    "file": _("berkas"),
    "files": _("berkas"),
    "final_level": _("level akhir"),
    "format": _("format"),
    "issued": _("undangan dibuat"),
    "levels": _("level"),
    "links": _("tautan"),
    "note": _("catatan"),
    "opens_on": _("dibuka pada"),
    "instrument": _("instrumen"),
    "period": _("periode"),
    "reason": _("alasan"),
    "removed": _("dihapus"),
    "replaced": _("tautan lama diganti"),
    "revised_criteria": _("kriteria direvisi"),
    "role": _("peran"),
    "score": _("skor"),
    "self_level": _("level mandiri"),
    "sent": _("terkirim"),
    "trigger": _("pemicu"),
    "unit": _("unit"),
    "updated": _("diperbarui"),
    "version": _("versi"),
}

# Stored codes of a few details, with the same wording as the choices they come from
# (ResultSet.Trigger, CriterionEntry.Decision, Role.Name), which lie in higher layers.
VALUE_LABELS = {
    "trigger": {
        "close": _("Penutupan periode"),
        "manual": _("Hitung sekarang"),
        "cli": _("Baris perintah"),
    },
    "decision": {
        "pending": _("Belum dinilai"),
        "accepted": _("Diterima"),
        "changed": _("Level diubah evaluator"),
        "returned": _("Perlu revisi"),
    },
    "role": {
        "national_admin": _("Administrator nasional"),
        "institution_admin": _("Administrator instansi"),
        "unit_liaison": _("Penghubung unit"),
        "evaluator": _("Evaluator"),
    },
}


def action_label(action: str) -> str:
    """Return the translated label of `action`, or the stored name when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def value_text(value, key: str = "") -> str:
    """Return one detail value as text: yes/no, lists and mappings spelled out, numbers in the
    active language's notation."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, int | float):
        return (
            formats.number_format(value, use_l10n=True) if isinstance(value, float) else str(value)
        )
    if isinstance(value, list | tuple):
        return ", ".join(value_text(item, key) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {value_text(v, key)}" for k, v in value.items())
    known = VALUE_LABELS.get(key, {}).get(str(value))
    return str(known) if known is not None else str(value)


def detail_text(detail) -> str:
    """Return the detail as 'label: value; label: value' in the active language ('' if none)."""
    if not detail:
        return ""
    if not isinstance(detail, dict):
        return value_text(detail)
    parts = []
    for key, value in detail.items():
        label = DETAIL_LABELS.get(key)
        parts.append(f"{label if label is not None else key}: {value_text(value, key)}")
    return "; ".join(parts)
