"""The one explanation of every figure a results page, PDF or workbook shows ("Cara membaca
hasil").

Each term has a key (used as the glossary page's anchor and by `{% explain %}` on the results
pages), a title and one sentence in plain Indonesian. The strings are marked for translation
here and translated where they are used (English through gettext), as the eligibility sentence
is: the results page (next to each figure), the glossary page, the PDF's glossary section and
the workbooks' "Keterangan" sheets all read `entries()` / `explain()`, so there is one wording.
"""

from budaya.interchange.summary import ELIGIBILITY_SENTENCE, gettext_noop
from budaya.scoring.rounding import CATEGORY_NAMES

# (section title, ((key, title, explanation), ...)), in the glossary's order.
SECTIONS = (
    (
        gettext_noop("Indeks utama"),
        (
            (
                "indeks_berakhlak",
                "Indeks BerAKHLAK",
                gettext_noop(
                    "Angka utama 0–100: 80 % Indeks Implementasi BerAKHLAK ditambah 20 % Indeks "
                    "Evaluasi Budaya Kerja; makin tinggi makin baik."
                ),
            ),
            (
                "implementasi",
                "Indeks Implementasi BerAKHLAK",
                gettext_noop(
                    "Rerata skor tujuh nilai BerAKHLAK menurut jawaban survei pegawai (0–100)."
                ),
            ),
            (
                "evaluasi",
                "Indeks Evaluasi Budaya Kerja",
                gettext_noop(
                    "Skor 0–100 dari penilaian evaluator atas bukti program budaya kerja, menurut "
                    "bobot kriteria rubrik."
                ),
            ),
            (
                "nilai",
                gettext_noop("Skor nilai"),
                gettext_noop(
                    "Rerata skor jawaban pegawai untuk butir-butir satu nilai BerAKHLAK, dari 0 "
                    "(sangat tidak setuju) sampai 100 (sangat setuju)."
                ),
            ),
            (
                "perilaku",
                gettext_noop("Skor perilaku"),
                gettext_noop(
                    "Rerata skor jawaban untuk satu dari 21 perilaku BerAKHLAK (tiga per nilai), "
                    "pada skala 0–100."
                ),
            ),
            (
                "kategori",
                gettext_noop("Kategori A–D"),
                gettext_noop(
                    "A Sehat 75–100, B Cukup Sehat 50–74,9, C Tidak Sehat 25–49,9, D Sangat Tidak "
                    "Sehat di bawah 25; berlaku untuk setiap indeks dan skor nilai."
                ),
            ),
        ),
    ),
    (
        gettext_noop("Ketelitian angka"),
        (
            (
                "favorabel",
                gettext_noop("% favorabel"),
                gettext_noop(
                    "Persentase jawaban pada dua titik teratas skala (setuju atau sangat setuju) "
                    "untuk butir-butir nilai itu."
                ),
            ),
            (
                "ci95",
                gettext_noop("Interval 95 %"),
                gettext_noop(
                    "Rentang tempat skor sebenarnya hampir pasti berada (95 %), karena tidak "
                    "semua pegawai menjawab; makin sempit, makin pasti skornya."
                ),
            ),
            (
                "alpha",
                gettext_noop("α (Cronbach)"),
                gettext_noop(
                    "Seberapa konsisten butir-butir satu nilai dijawab (0–1; 0,7 ke atas umumnya "
                    "baik), bila minimal 30 responden menjawab semua butirnya; dalam kurung "
                    "interval 95 %-nya."
                ),
            ),
            (
                "n",
                "n",
                gettext_noop("Jumlah responden yang jawabannya dipakai untuk angka itu."),
            ),
            (
                "tingkat_respons",
                gettext_noop("Tingkat respons"),
                gettext_noop("Jumlah responden dibagi jumlah pegawai pada daftar pegawai periode."),
            ),
            (
                "minimum",
                gettext_noop("Minimum responden"),
                gettext_noop(
                    "Jumlah responden yang diperlukan agar hasil kelompok dapat diandalkan, "
                    "dihitung dari jumlah pegawainya (rumus Slovin)."
                ),
            ),
            ("memenuhi_syarat", gettext_noop("Memenuhi syarat"), ELIGIBILITY_SENTENCE),
        ),
    ),
    (
        gettext_noop("Keterikatan, energi dan keselarasan"),
        (
            (
                "engagement",
                "Indeks Keterikatan Pegawai",
                gettext_noop(
                    "Rerata skor butir keterikatan (semangat, kebanggaan, keinginan bertahan) "
                    "pada skala 0–100."
                ),
            ),
            (
                "engagement_minimum",
                gettext_noop("Minimum responden keterikatan"),
                gettext_noop(
                    "Indeks keterikatan instansi memenuhi syarat bila minimal 140 pegawai "
                    "menjawab dan instansinya sendiri memenuhi syarat."
                ),
            ),
            (
                "energi_positif",
                "Energi Positif",
                gettext_noop(
                    "Persentase pilihan untuk budaya organisasi saat ini yang bukan nilai "
                    "membatasi; makin tinggi, makin sedikit hal yang menghambat."
                ),
            ),
            (
                "entropi",
                gettext_noop("Entropi budaya"),
                gettext_noop(
                    "100 dikurangi Energi Positif: bagian pilihan budaya saat ini yang berupa "
                    "nilai membatasi."
                ),
            ),
            (
                "keselarasan_pribadi_organisasi",
                "Indeks Keselarasan Nilai Pribadi–Organisasi",
                gettext_noop(
                    "Seberapa banyak nilai pribadi pegawai juga mereka lihat dalam budaya "
                    "organisasi saat ini (0–100)."
                ),
            ),
            (
                "keselarasan_saat_ini_harapan",
                "Indeks Keselarasan Budaya Saat Ini–Harapan",
                gettext_noop(
                    "Seberapa dekat budaya organisasi saat ini dengan budaya yang diharapkan "
                    "pegawai (0–100)."
                ),
            ),
            (
                "employer_branding",
                "Indeks Employer Branding",
                gettext_noop(
                    "Rerata skor survei publik tentang instansi sebagai tempat kerja, dari orang "
                    "yang menjawab lewat tautan instansi itu (0–100)."
                ),
            ),
            (
                "pilihan_nilai",
                gettext_noop("Pilihan nilai"),
                gettext_noop(
                    "Sepuluh nilai yang paling sering dipilih pegawai untuk diri sendiri, untuk "
                    "budaya organisasi saat ini, dan untuk budaya yang diharapkan."
                ),
            ),
            (
                "membatasi",
                gettext_noop("Nilai membatasi"),
                gettext_noop(
                    "Nilai yang menghambat kerja, misalnya birokratis atau saling menyalahkan; "
                    "dipakai untuk Energi Positif."
                ),
            ),
        ),
    ),
    (
        gettext_noop("Perbandingan"),
        (
            (
                "perubahan",
                gettext_noop("Perubahan"),
                gettext_noop(
                    "Selisih skor sekarang dengan skor kelompok yang sama pada periode "
                    "sebelumnya: ▲ naik, ▼ turun."
                ),
            ),
            (
                "bermakna",
                gettext_noop("Bermakna (*)"),
                gettext_noop(
                    "Tanda * berarti perubahan itu terlalu besar untuk sekadar kebetulan "
                    "(uji 95 %); tanpa * perubahannya bisa jadi hanya kebetulan."
                ),
            ),
            (
                "selisih",
                gettext_noop("Selisih dengan induk"),
                gettext_noop(
                    "Skor unit dikurangi skor instansinya (atau skor instansi dikurangi skor "
                    "nasional), dihitung dari angka yang belum dibulatkan; bukan uji statistik."
                ),
            ),
            (
                "pembanding",
                gettext_noop("Pembanding (median, persentil ke-75)"),
                gettext_noop(
                    "Median dan persentil ke-75 skor kelompok sejenis yang memenuhi syarat: "
                    "instansi se-nasional, atau unit dalam instansi yang sama."
                ),
            ),
            (
                "peringkat",
                gettext_noop("Peringkat"),
                gettext_noop(
                    "Urutan di antara kelompok pembanding yang memenuhi syarat; skor sama "
                    "berbagi peringkat."
                ),
            ),
            (
                "peringkat_persentil",
                gettext_noop("Peringkat persentil"),
                gettext_noop(
                    "Persentase kelompok pembanding yang skornya lebih rendah (skor yang sama "
                    "dihitung setengah)."
                ),
            ),
            (
                "nasional",
                gettext_noop("Nasional"),
                gettext_noop(
                    "Rerata tanpa bobot dari instansi yang memenuhi syarat; baru ditampilkan bila "
                    "minimal 3 instansi memenuhi syarat."
                ),
            ),
            (
                "peta_panas",
                gettext_noop("Warna peta panas"),
                gettext_noop(
                    "Warna sel mengikuti skor pada skala 0–100: makin gelap, makin tinggi. Angka "
                    "selalu ditulis, jadi warna hanya membantu membaca."
                ),
            ),
            (
                "terkuat",
                gettext_noop("Terkuat dan terlemah"),
                gettext_noop("Tiga perilaku dengan skor tertinggi dan tiga dengan skor terendah."),
            ),
        ),
    ),
    (
        gettext_noop("Pendorong keterikatan"),
        (
            (
                "bobot",
                gettext_noop("Bobot pendorong"),
                gettext_noop(
                    "Seberapa besar tiap perilaku ikut menjelaskan perbedaan keterikatan "
                    "antarpegawai, dalam persen dari seluruh bagian yang terjelaskan (R²); "
                    "dihitung bila minimal 30 responden menjawab semua perilaku dan butir "
                    "keterikatan."
                ),
            ),
            (
                "r2",
                "R²",
                gettext_noop(
                    "Bagian perbedaan keterikatan antarpegawai yang dijelaskan oleh 21 perilaku "
                    "bersama-sama, dalam persen."
                ),
            ),
            (
                "prioritas",
                gettext_noop("Prioritas perbaikan"),
                gettext_noop(
                    "Lima perilaku berbobot pendorong terbesar yang skornya di bawah median skor "
                    "perilaku kelompok: memperbaikinya paling mungkin menaikkan keterikatan."
                ),
            ),
            (
                "kekuatan",
                gettext_noop("Kekuatan"),
                gettext_noop(
                    "Lima perilaku berbobot pendorong terbesar yang skornya pada atau di atas "
                    "median skor perilaku kelompok: yang perlu dipertahankan."
                ),
            ),
        ),
    ),
    (
        gettext_noop("Kerahasiaan dan rilis"),
        (
            (
                "disembunyikan",
                gettext_noop("Disembunyikan (kurang dari k responden)"),
                gettext_noop(
                    "Demi kerahasiaan, skor kelompok atau sel dengan kurang dari k responden "
                    "tidak ditampilkan di mana pun; kadang sel lain ikut disembunyikan agar sel "
                    "kecil tidak dapat dihitung balik."
                ),
            ),
            (
                "dibawa",
                gettext_noop("Dibawa dari rilis sebelumnya"),
                gettext_noop(
                    "Bila jawaban kelompok berubah kurang dari k sejak rilis sebelumnya, skor "
                    "surveinya tidak dihitung ulang, agar perubahan kecil tidak membuka jawaban "
                    "seseorang."
                ),
            ),
        ),
    ),
)

TERMS = {key: (title, text) for _section, terms in SECTIONS for key, title, text in terms}


def _translate(text: str) -> str:
    """Return `text` in the active language (as written without Django settings)."""
    from django.conf import settings

    if not settings.configured:
        return text
    from django.utils.translation import gettext

    return gettext(text)


def title(key: str) -> str:
    """Return a term's title in the active language."""
    return _translate(TERMS[key][0])


def explain(key: str) -> str:
    """Return a term's one-sentence explanation in the active language (KeyError: unknown)."""
    return _translate(TERMS[key][1])


def entries() -> list[dict]:
    """Return the glossary in the active language: sections with their terms (key, title,
    text)."""
    return [
        {
            "title": _translate(section),
            "terms": [
                {"key": key, "title": _translate(name), "text": _translate(text)}
                for key, name, text in terms
            ],
        }
        for section, terms in SECTIONS
    ]


def category_legend() -> list[tuple[str, str, str]]:
    """Return (letter, name, range) of the categories A–D (METHOD.md §6)."""
    ranges = {"A": "75–100", "B": "50–74,9", "C": "25–49,9", "D": "< 25"}
    return [(letter, name, ranges[letter]) for letter, name in CATEGORY_NAMES.items()]
