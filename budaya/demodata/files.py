"""Write `DemoData` as the METHOD.md §11 files (CSV built column-wise with numpy, in chunks)."""

import csv
import json
from pathlib import Path

import numpy as np

from budaya.demodata import EDITION, DemoData
from budaya.scoring.spec import AGE_BANDS, EMPLOYMENT_TYPES, GENDERS

CHUNK = 100_000
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _join(columns: list) -> list[str]:
    """Return the comma-joined rows of string columns (arrays or lists).

    Plain Python joins of the columns' lists beat numpy's string ufuncs several times here.
    """
    lists = [column.tolist() if isinstance(column, np.ndarray) else column for column in columns]
    return [",".join(row) for row in zip(*lists, strict=True)]


def _hex_ids(values: np.ndarray) -> np.ndarray:
    """Return 16-character lowercase hex strings of uint64 values."""
    raw = values.astype(">u8").view(np.uint8).reshape(-1, 8)
    out = np.empty((raw.shape[0], 16), dtype=np.uint8)
    out[:, 0::2] = _HEX[raw >> 4]
    out[:, 1::2] = _HEX[raw & 15]
    return np.strings.decode(out.view("S16").reshape(-1), "ascii")


def _answer_block(answers: np.ndarray) -> list[str]:
    """Return each row's answers as 'a,b,,d' (empty for a missing answer)."""
    rows, items = answers.shape
    if items == 0:
        return [""] * rows
    if answers.max(initial=0) > 9:
        text = np.where(answers == 0, "", answers.astype(str))
        return [",".join(row) for row in text.tolist()]
    chars = np.full((rows, 2 * items - 1), ord(","), dtype=np.uint8)
    chars[:, 0::2] = np.where(answers == 0, ord("x"), answers + ord("0"))
    packed = chars.view(f"S{2 * items - 1}").reshape(-1)
    return [row.replace(b"x", b"").decode("ascii") for row in packed.tolist()]


def _pick_text(picks: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Return each row's picks (indices, -1 padded at the end) as 'A;B;C'."""
    text = np.where(picks[:, 0] >= 0, codes[np.maximum(picks[:, 0], 0)], "")
    for p in range(1, picks.shape[1]):
        present = picks[:, p] >= 0
        more = np.strings.add(";", codes[np.maximum(picks[:, p], 0)])
        text = np.strings.add(text, np.where(present, more, ""))
    return text


def write_responses(data: DemoData, path: Path, progress=None) -> None:
    """Write responses.csv: attributes, one column per survey item, then the three picks."""
    responses = data.responses
    items = [item.code for item in data.spec.survey_items]
    header = ["response_id", "institution", "unit", "gender", "employment_type", "age_band"]
    header += items + ["pick_personal", "pick_current", "pick_wanted"]
    codes = np.array(data.structure.codes)
    unit_codes = np.array([code for _, code in data.structure.units])
    unit_institution = codes[data.structure.unit_institution]
    picks = np.array([value.code for value in data.spec.pick_values])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        for start in range(0, responses.n, CHUNK):
            stop = min(responses.n, start + CHUNK)
            if progress and responses.n > CHUNK:
                progress(f"{path.name}: {start:,}/{responses.n:,}")
            unit = responses.unit[start:stop]
            columns = [
                _hex_ids(responses.response_id[start:stop]),
                unit_institution[unit],
                unit_codes[unit],
                np.array(GENDERS)[responses.gender[start:stop]],
                np.array(EMPLOYMENT_TYPES)[responses.employment[start:stop]],
                np.array(AGE_BANDS)[responses.age_band[start:stop]],
                _answer_block(responses.answers[start:stop]),
            ]
            columns += [_pick_text(responses.picks[q, start:stop], picks) for q in range(3)]
            handle.write("\n".join(_join(columns)) + "\n")


def write_roster(data: DemoData, path: Path, progress=None) -> None:
    """Write roster.csv: nip, name, gender, employment_type, institution, unit, birth_year,
    email, phone; one row per employee, ordered by institution and unit."""
    roster = data.roster
    codes = np.array(data.structure.codes)
    unit_codes = np.array([code for _, code in data.structure.units])
    header = "nip,name,gender,employment_type,institution,unit,birth_year,email,phone\n"
    # NIP sequence digits are unique over the whole roster, so they are made once, not per chunk.
    nips = roster.nip()
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header)
        for start in range(0, roster.size, CHUNK):
            stop = min(roster.size, start + CHUNK)
            if progress and roster.size > CHUNK:
                progress(f"{path.name}: {start:,}/{roster.size:,}")
            part = roster.subset(slice(start, stop))
            institution = codes[data.structure.unit_institution[part.unit]]
            part_nips = nips[start:stop]
            columns = [
                part_nips.astype(str),
                part.names(),
                np.array(GENDERS)[part.gender],
                np.array(EMPLOYMENT_TYPES)[part.employment],
                institution,
                unit_codes[part.unit],
                part.birth_year.astype(str),
                part.emails(institution, part_nips),
                part.phones(),
            ]
            handle.write("\n".join(_join(columns)) + "\n")


def write_evaluation(data: DemoData, path: Path) -> None:
    """Write evaluation.csv: institution, unit (empty for its own), criterion, level."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["institution", "unit", "criterion", "level"])
        for (institution, unit), levels in sorted(
            data.evaluations.items(), key=lambda entry: (entry[0][0], entry[0][1] or "")
        ):
            for criterion, level in levels.items():
                writer.writerow([institution, unit or "", criterion, level])


def write_institutions(data: DemoData, path: Path) -> None:
    """Write institutions.csv: code, name, kind, employees, units (for reading, not scoring)."""
    structure = data.structure
    sizes = structure.institution_size()
    unit_counts = np.bincount(structure.unit_institution, minlength=len(structure.codes))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "kind", "employees", "units"])
        for i, code in enumerate(structure.codes):
            row = [code, structure.names[i], structure.kinds[i], sizes[i], unit_counts[i]]
            writer.writerow(row)


def compute_previous_results(data: DemoData) -> dict | None:
    """Return the engine's results document of the previous period, None without one."""
    from budaya.scoring.engine import compute_results
    from budaya.scoring.spec import Method

    previous = data.previous
    if previous is None:
        return None
    return compute_results(
        previous.spec,
        Method(max_picks=previous.max_picks),
        previous.survey_data(),
        evaluations=previous.evaluations,
        period=previous.period,
        instrument=EDITION,
    )


def score_command(directory: Path) -> str:
    """Return the `budaya score` command for the current period's files in `directory`."""
    d = directory
    return (
        f"budaya score --instrument {EDITION} --period 2026 --responses {d / 'responses.csv'} "
        f"--roster {d / 'roster.csv'} --evaluation {d / 'evaluation.csv'} "
        f"--previous {d / 'previous.json'} --out {d / 'hasil-2026.json'} "
        f"--xlsx {d / 'hasil-2026.xlsx'}"
    )


def write_readme(data: DemoData, directory: Path, seed: int) -> None:
    """Write README.txt: what each file is and the exact commands to score them."""
    d = directory.resolve()
    structure = data.structure
    previous = data.previous
    lines = [
        "Data contoh sintetis Budaya / synthetic Budaya demo data",
        f"(budaya demo-data, seed {seed}; instrumen / instrument {EDITION})",
        "",
        f"Instansi / institutions: {len(structure.codes)}; unit: {len(structure.units)}; "
        f"pegawai / employees: {data.roster.size:,}; jawaban / responses 2026: "
        f"{data.responses.n:,}",
        "",
        "Berkas / files:",
        "  institutions.csv        kode, nama, jenis instansi / code, name, kind (info only)",
        "  roster.csv              daftar pegawai 2026 / roster of period 2026",
        "  responses.csv           jawaban survei 2026 / survey responses of 2026",
        "  evaluation.csv          Evaluasi Budaya Kerja 2026 (final)",
    ]
    if previous is not None:
        lines += [
            "  previous/roster.csv     daftar pegawai 2025 / roster of 2025",
            "  previous/responses.csv  jawaban 2025 / responses of 2025 "
            f"({previous.responses.n:,})",
            "  previous/evaluation.csv Evaluasi Budaya Kerja 2025",
            "  previous.json           hasil 2025 dari mesin penghitung / engine results of 2025",
        ]
    lines += [
        "",
        "Hitung hasil 2026 / score 2026:",
        "  " + score_command(d),
    ]
    if previous is not None:
        lines += [
            "",
            "Hitung ulang hasil 2025 / score 2025 again:",
            f"  budaya score --instrument {EDITION} --period 2025 --responses "
            f"{d / 'previous' / 'responses.csv'} --roster {d / 'previous' / 'roster.csv'} "
            f"--evaluation {d / 'previous' / 'evaluation.csv'} --out {d / 'previous.json'}",
        ]
    (directory / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_demo(data: DemoData, directory: Path, *, seed: int, progress=None) -> list[Path]:
    """Write every file of `data` (and its previous period) into `directory`; return them."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    periods = [(data, directory)]
    if data.previous is not None:
        (directory / "previous").mkdir(exist_ok=True)
        periods.append((data.previous, directory / "previous"))
    write_institutions(data, directory / "institutions.csv")
    written.append(directory / "institutions.csv")
    for period, folder in periods:
        write_roster(period, folder / "roster.csv", progress)
        write_responses(period, folder / "responses.csv", progress)
        write_evaluation(period, folder / "evaluation.csv")
        written += [folder / "roster.csv", folder / "responses.csv", folder / "evaluation.csv"]
    if data.previous is not None:
        if progress:
            progress("hasil 2025 / results of 2025 (previous.json)")
        results = compute_previous_results(data)
        path = directory / "previous.json"
        path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        written.append(path)
    write_readme(data, directory, seed)
    written.append(directory / "README.txt")
    return written
