"""Return the synthetic institutions and units: codes, names, kinds, sizes and effects."""

from dataclasses import dataclass

import numpy as np

KINDS = ("kementerian", "lembaga", "provinsi", "kabupaten", "kota")
# Shares roughly as in the civil service: 34 ministries, ~40 agencies, 38 provinces,
# 416 regencies, 98 cities.
KIND_SHARES = (0.06, 0.07, 0.06, 0.66, 0.15)
# Relative size of an institution of each kind (ministries are large, cities small).
KIND_SIZE = (3.0, 1.2, 1.6, 1.0, 0.7)
# Share of PPPK employees by kind: regions hired many PPPK teachers and health workers.
KIND_PPPK = (0.10, 0.12, 0.25, 0.40, 0.35)

_TOPICS = (
    "Pendidikan",
    "Kesehatan",
    "Keuangan",
    "Perhubungan",
    "Pertanian",
    "Kelautan",
    "Perindustrian",
    "Perdagangan",
    "Sosial",
    "Ketenagakerjaan",
    "Pariwisata",
    "Lingkungan Hidup",
    "Pekerjaan Umum",
    "Energi",
    "Kebudayaan",
    "Agraria",
    "Koperasi",
    "Pemuda dan Olahraga",
    "Komunikasi",
    "Riset",
    "Statistik",
    "Meteorologi",
    "Kepegawaian",
    "Pengawasan Obat",
    "Standardisasi",
)
_PLACE_HEADS = (
    "Suka",
    "Tanjung",
    "Muara",
    "Batu",
    "Sungai",
    "Bukit",
    "Tanah",
    "Sri",
    "Karang",
    "Lubuk",
    "Teluk",
    "Gunung",
    "Kali",
    "Rantau",
    "Padang",
    "Pematang",
    "Air",
    "Banjar",
    "Sido",
    "Wono",
)
_PLACE_TAILS = (
    "maju",
    "jaya",
    "makmur",
    "indah",
    "baru",
    "raya",
    "sari",
    "harja",
    "mulya",
    "asri",
    "rejo",
    "agung",
    "permai",
    "damai",
    "sejahtera",
    "lestari",
    "mekar",
    "kencana",
    "wangi",
    "abadi",
)
# Unit codes of regional governments (OPD) and of central institutions.
_REGIONAL_UNITS = (
    "SETDA DPRD INSPEKTORAT BAPPEDA BKPSDM BPKAD BAPENDA DISDIK DINKES RSUD DINSOS DISNAKER "
    "DPUPR DISPERKIM DLH DISDUKCAPIL DPMD DISHUB DISKOMINFO DISKOPUKM DPMPTSP DISPORA "
    "DISBUDPAR DISPERPUS DISPERTA DISKANLA DISPERINDAG SATPOLPP BPBD KESBANGPOL DP3A DPKP "
    "BAGORG BAGHUKUM BAGUMUM KEC01 KEC02 KEC03 KEC04 KEC05 KEC06 KEC07 KEC08 KEC09 KEC10 "
    "KEC11 KEC12 KEC13 KEC14 KEC15 KEC16 KEC17 KEC18 KEC19 KEC20 RSUD2 PUSKESMAS1 "
    "PUSKESMAS2 UPTD1 UPTD2"
).split()
_CENTRAL_UNITS = (
    "SETJEN ITJEN BIRO-SDM BIRO-KEU BIRO-HUKUM BIRO-UMUM BIRO-ORG BIRO-HUMAS PUSDATIN "
    "PUSDIKLAT BALITBANG DITJEN1 DITJEN2 DITJEN3 DITJEN4 DITJEN5 DIT01 DIT02 DIT03 DIT04 "
    "DIT05 DIT06 DIT07 DIT08 DIT09 DIT10 DIT11 DIT12 DIT13 DIT14 DIT15 DIT16 BALAI01 "
    "BALAI02 BALAI03 BALAI04 BALAI05 BALAI06 BALAI07 BALAI08 KANWIL01 KANWIL02 KANWIL03 "
    "KANWIL04 KANWIL05 KANWIL06 KANWIL07 KANWIL08 KANWIL09 KANWIL10 UPT01 UPT02 UPT03 "
    "UPT04 UPT05 UPT06 UPT07 UPT08"
).split()


@dataclass
class Structure:
    """Institutions (index i) and units (index u, sorted by institution then code).

    `unit_size[u]` is the unit's number of employees on the roster; effects are in score
    points (0–100 scale) and shift every answer of an institution or unit.
    """

    codes: list[str]
    names: list[str]
    kinds: list[str]
    pppk_share: np.ndarray  # (institutions,) expected share of PPPK employees
    effect: np.ndarray  # (institutions,) score shift
    low_participation: np.ndarray  # (institutions,) bool: ends below its minimum
    units: list[tuple[int, str]]
    unit_institution: np.ndarray  # (units,) int32
    unit_size: np.ndarray  # (units,) int64
    unit_effect: np.ndarray  # (units,) score shift on top of the institution's
    unit_female: np.ndarray  # (units,) share of women
    unit_pppk: np.ndarray  # (units,) share of PPPK

    @property
    def employees(self) -> int:
        return int(self.unit_size.sum())

    def institution_size(self) -> np.ndarray:
        """Return the number of employees of each institution."""
        return np.bincount(self.unit_institution, self.unit_size, len(self.codes)).astype(np.int64)


def _names(rng: np.random.Generator, kinds: np.ndarray) -> list[str]:
    """Return one distinct, plausible name per institution."""
    used: set[str] = set()
    names = []
    for kind in kinds:
        if KINDS[kind] in ("kementerian", "lembaga"):
            topic = _TOPICS[rng.integers(len(_TOPICS))]
            base = f"Kementerian {topic}" if KINDS[kind] == "kementerian" else f"Badan {topic}"
        else:
            place = _PLACE_HEADS[rng.integers(len(_PLACE_HEADS))]
            place += _PLACE_TAILS[rng.integers(len(_PLACE_TAILS))]
            base = f"{KINDS[kind].capitalize()} {place}"
        name, number = base, 1
        while name in used:
            number += 1
            name = f"{base} {number}"
        used.add(name)
        names.append(name)
    return names


def _split_units(
    rng: np.random.Generator, employees: int, count: int, small_share: float
) -> np.ndarray:
    """Return `count` unit sizes adding up to `employees`: a few small (2–8), the rest varied."""
    count = max(1, min(count, employees))
    small = 0
    if count >= 4:
        small = min(int(rng.binomial(count, small_share)), count - 2)
    small_sizes = rng.integers(2, 9, size=small)
    rest = employees - int(small_sizes.sum())
    big = count - small
    if rest < big * 10:  # not enough people for the small units: no small units
        small_sizes, rest, big = small_sizes[:0], employees, count
    weights = rng.lognormal(0.0, 0.7, size=big)
    big_sizes = 1 + rng.multinomial(rest - big, weights / weights.sum())
    sizes = np.concatenate([big_sizes, small_sizes])
    return sizes[rng.permutation(sizes.size)]


def build_structure(
    rng: np.random.Generator,
    institutions: int,
    employees: int,
    *,
    units_per_institution: float | None = None,
    progress=None,
) -> Structure:
    """Return `institutions` institutions sharing `employees` employees in varied units.

    Institution sizes are log-normal (by kind); the number of units grows with the square root
    of the size (a regency of 5–20 thousand employees gets 30–60 units) unless
    `units_per_institution` fixes its mean. About one unit in ten has 2–8 employees.
    """
    if institutions < 1:
        raise ValueError(f"institutions must be at least 1, not {institutions}")
    if employees < institutions:
        raise ValueError(
            f"employees ({employees}) must be at least the number of institutions ({institutions})"
        )
    kinds = rng.choice(len(KINDS), size=institutions, p=KIND_SHARES)
    weights = rng.lognormal(0.0, 0.8, size=institutions) * np.asarray(KIND_SIZE)[kinds]
    sizes = 1 + rng.multinomial(employees - institutions, weights / weights.sum())
    width = max(3, len(str(institutions)))  # same order as text and as numbers
    codes = [f"INS{i + 1:0{width}d}" for i in range(institutions)]
    names = _names(rng, kinds)
    effect = rng.normal(0.0, 5.0, size=institutions)
    low = rng.random(institutions) < 0.12
    pppk = np.clip(np.asarray(KIND_PPPK)[kinds] + rng.normal(0, 0.05, institutions), 0.02, 0.7)

    units: list[tuple[int, str]] = []
    unit_sizes = []
    for i in range(institutions):
        if progress and institutions >= 100 and i % 100 == 0:
            progress(f"struktur instansi / institution structure {i}/{institutions}")
        if units_per_institution:
            count = round(units_per_institution * rng.uniform(0.7, 1.3))
        else:
            count = round(np.sqrt(sizes[i]) / 2.3 * rng.uniform(0.8, 1.2))
        count = int(np.clip(count, 1, 120))
        split = _split_units(rng, int(sizes[i]), count, 0.1)
        pool = _CENTRAL_UNITS if KINDS[kinds[i]] in ("kementerian", "lembaga") else _REGIONAL_UNITS
        chosen = list(rng.permutation(pool)[: split.size])
        chosen += [f"UNIT{j + 1:03d}" for j in range(split.size - len(chosen))]
        order = np.argsort(chosen, kind="stable")
        units.extend((i, str(chosen[j])) for j in order)
        unit_sizes.append(split[order])
    unit_size = np.concatenate(unit_sizes).astype(np.int64)
    unit_institution = np.array([i for i, _ in units], dtype=np.int32)
    n_units = len(units)
    unit_effect = rng.normal(0.0, 4.0, size=n_units)
    unit_female = rng.beta(11.0, 9.0, size=n_units)
    concentration = 20.0
    share = pppk[unit_institution]
    unit_pppk = rng.beta(share * concentration, (1 - share) * concentration)
    return Structure(
        codes=codes,
        names=names,
        kinds=[KINDS[k] for k in kinds],
        pppk_share=pppk,
        effect=effect,
        low_participation=low,
        units=units,
        unit_institution=unit_institution,
        unit_size=unit_size,
        unit_effect=unit_effect,
        unit_female=unit_female,
        unit_pppk=unit_pppk,
    )
