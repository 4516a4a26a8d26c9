"""Return synthetic employees (the roster) as arrays, and their text fields for a CSV."""

from dataclasses import dataclass

import numpy as np

from budaya.demodata.structure import Structure

_MEN = (
    "Agus Ahmad Andi Arief Bambang Budi Dedi Dimas Eko Fajar Gilang Hadi Hendra Ilham Irfan "
    "Joko Kurniawan Lukman Muhammad Nugroho Putu Rahmat Rizky Sigit Slamet Teguh Wahyu Yoga "
    "Yusuf Zainal Bayu Made Ketut Adi Rudi Heru Iwan Taufik Arif Dwi"
).split()
_WOMEN = (
    "Ayu Dewi Dian Eka Fitri Indah Intan Kartika Lestari Lina Maya Nabila Nur Putri Ratna "
    "Rina Sari Siti Sri Tika Utami Wulan Yuni Yulia Anisa Aulia Citra Diah Endang Fatimah "
    "Hesti Ika Kadek Laila Mega Nanda Novi Rahma Retno Tri"
).split()
_FAMILY = (
    "Saputra Setiawan Wijaya Santoso Hidayat Pratama Kusuma Siregar Nasution Harahap Lubis "
    "Simanjuntak Sitompul Tanjung Hutapea Panjaitan Sinaga Gultom Manurung Pardede Purba "
    "Rahman Hakim Firmansyah Susanto Wibowo Hartono Gunawan Suryadi Permana Nugraha Ramadhan "
    "Syahputra Maulana Fauzi Hasibuan Daulay Tambunan Pohan Situmorang Matondang Marpaung "
    "Lestari Wulandari Rahmawati Handayani Kurniasih Puspita Anggraini Maharani Safitri"
).split()
_OPERATORS = np.array(
    ["0811", "0812", "0813", "0821", "0822", "0852", "0853", "0857", "0877", "0878", "0895"]
)

# The roster's timing: employees of the previous period are those recruited before this month.
PREVIOUS_CUTOFF = 202507


@dataclass
class RosterArrays:
    """Employees: unit index, gender (0 L, 1 P), employment (0 PNS, 1 PPPK), birth date,
    recruitment month (YYYYMM) and the parts of a name (indices into the name lists)."""

    unit: np.ndarray  # (E,) int32
    gender: np.ndarray  # (E,) int8
    employment: np.ndarray  # (E,) int8
    birth: np.ndarray  # (E,) datetime64[D]
    recruited: np.ndarray  # (E,) int32, YYYYMM
    first_name: np.ndarray  # (E,) int16, into _MEN or _WOMEN by gender
    family_name: np.ndarray  # (E,) int16 into _FAMILY, -1 for a single name
    phone: np.ndarray  # (E,) int64, 8 digits after the operator prefix
    operator: np.ndarray  # (E,) int8 into _OPERATORS

    @property
    def size(self) -> int:
        return int(self.unit.shape[0])

    @property
    def birth_year(self) -> np.ndarray:
        """Return each employee's year of birth."""
        return self.birth.astype("datetime64[Y]").astype(np.int64) + 1970

    def age_band(self, year: int) -> np.ndarray:
        """Return age-band indices (<30, 30-39, 40-49, 50+) in `year` as int8."""
        return age_band_index(year - self.birth_year)

    def subset(self, keep: np.ndarray) -> "RosterArrays":
        """Return the employees selected by the boolean mask or index array `keep`."""
        return RosterArrays(**{name: getattr(self, name)[keep] for name in self.__annotations__})

    def nip(self) -> np.ndarray:
        """Return the 18-digit NIPs as int64: birth YYYYMMDD, recruitment YYYYMM, gender
        digit (1 man, 2 woman) and a 3-digit sequence making each NIP unique."""
        days = self.birth.astype(np.int64)
        year = self.birth_year
        month = self.birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
        day = (self.birth - self.birth.astype("datetime64[M]")).astype(np.int64) + 1
        key = (days * 1_000_000 + self.recruited.astype(np.int64)) * 10 + self.gender
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        starts = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
        position = np.arange(key.size)
        first = np.maximum.accumulate(np.where(starts, position, 0))
        sequence = np.empty(key.size, dtype=np.int64)
        sequence[order] = position - first + 1
        if key.size and sequence.max() > 999:
            raise ValueError("more than 999 employees share a NIP prefix; use another seed")
        ymd = year * 10_000 + month * 100 + day
        return (
            ymd * 10**10
            + self.recruited.astype(np.int64) * 10**4
            + (self.gender.astype(np.int64) + 1) * 1000
            + sequence
        )

    def names(self) -> np.ndarray:
        """Return full names (given name, and a family name for most)."""
        men = np.array(_MEN)[np.minimum(self.first_name, len(_MEN) - 1)]
        women = np.array(_WOMEN)[np.minimum(self.first_name, len(_WOMEN) - 1)]
        given = np.where(self.gender == 0, men, women)
        family = np.array([""] + _FAMILY)[self.family_name + 1]
        return np.strings.strip(np.strings.add(np.strings.add(given, " "), family))

    def emails(self, institution_codes: np.ndarray, nips: np.ndarray | None = None) -> list[str]:
        """Return work e-mail addresses, unique through the NIP's last five digits.

        `nips` are these employees' NIPs when they are a slice of a larger roster (a NIP's
        sequence digits depend on the whole roster)."""
        suffix = ((self.nip() if nips is None else nips) % 100_000).tolist()
        return [
            f"{name.lower().replace(' ', '.')}.{number}@{code.lower()}.go.id"
            for name, number, code in zip(
                self.names().tolist(), suffix, institution_codes.tolist(), strict=True
            )
        ]

    def phones(self) -> np.ndarray:
        """Return mobile numbers like 081234567890."""
        digits = np.strings.zfill(self.phone.astype(str), 8)
        return np.strings.add(_OPERATORS[self.operator], digits)


def age_band_index(age: np.ndarray) -> np.ndarray:
    """Return the age-band index of each age: 0 <30, 1 30-39, 2 40-49, 3 50+."""
    return np.searchsorted(np.array([30, 40, 50]), age, side="right").astype(np.int8)


def build_roster(rng: np.random.Generator, structure: Structure, year: int) -> RosterArrays:
    """Return one employee per roster place of `structure`, as of `year`.

    Gender and employment follow the unit's shares; PNS are 20–58 years old and were recruited
    after 18, PPPK were recruited from 2019 on. Nobody is recruited after March of `year`.
    """
    unit = np.repeat(np.arange(structure.unit_size.size, dtype=np.int32), structure.unit_size)
    size = unit.size
    gender = (rng.random(size) < structure.unit_female[unit]).astype(np.int8)
    employment = (rng.random(size) < structure.unit_pppk[unit]).astype(np.int8)
    pns = employment == 0
    age = np.where(
        pns, 20 + 38 * rng.beta(2.0, 1.7, size), 20 + 38 * rng.beta(1.5, 1.6, size)
    ).astype(np.int64)
    birth_year = year - 1 - age
    start = (birth_year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    end = (birth_year - 1969).astype("datetime64[Y]").astype("datetime64[D]")
    length = (end - start).astype(np.int64)
    birth = start + (rng.random(size) * length).astype(np.int64).astype("timedelta64[D]")
    earliest = birth_year + 19
    pns_year = earliest + (rng.random(size) ** 1.5 * (year - earliest)).astype(np.int64)
    pppk_year = np.maximum(earliest, rng.choice([2019, 2021, 2022, 2023, 2024, 2025], size))
    recruit_year = np.minimum(np.where(pns, pns_year, pppk_year), year)
    month = rng.integers(1, 13, size)
    month = np.where(recruit_year == year, np.minimum(month, 3), month)
    recruited = (recruit_year * 100 + month).astype(np.int32)
    first = rng.integers(0, max(len(_MEN), len(_WOMEN)), size).astype(np.int16)
    family = rng.integers(0, len(_FAMILY), size).astype(np.int16)
    family[rng.random(size) < 0.2] = -1
    return RosterArrays(
        unit=unit,
        gender=gender,
        employment=employment,
        birth=birth,
        recruited=recruited,
        first_name=first,
        family_name=family,
        phone=rng.integers(0, 10**8, size),
        operator=rng.integers(0, _OPERATORS.size, size).astype(np.int8),
    )
