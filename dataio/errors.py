"""Import errors and results, with the Dutch messages users read."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

COUNT_KINDS: tuple[str, ...] = ("created", "updated", "unchanged", "deactivated")
_COUNT_LABELS = {
    "created": "nieuw", "updated": "gewijzigd", "unchanged": "ongewijzigd", "deactivated": "inactief gemaakt",
}


@dataclass
class RowError:
    """One problem in an input file. line is the spreadsheet row: header = 1, first data row = 2."""
    file: str
    sheet: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        parts = [self.file] if self.file else []
        if self.sheet:
            parts.append(f"blad '{self.sheet}'")
        parts.append(f"regel {self.line}")
        if self.column:
            parts.append(f"kolom '{self.column}'")
        return ", ".join(parts) + ": " + self.reason


@dataclass
class Rejects:
    """Rejected rows of one sheet as read: the original header and cells, plus an error column."""
    header: list[str]
    rows: list[list[object]] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do).

    committed is True when the changes were applied to the caller's session;
    the caller commits the transaction.
    """
    file: str = ""
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    rejected_rows: dict[str, Rejects] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    rejects_path: Path | None = None
    committed: bool = False
    dry_run: bool = False
    # > 0: the import would close this many schools and needs an explicit confirmation (dataio.duo)
    deactivations_to_confirm: int = 0
    # seconds per phase of the import (read, plan, lock, write), for benchmarks and logs
    timings: dict[str, float] = field(default_factory=dict)

    def add(self, sheet: str, kind: str, n: int = 1) -> None:
        counts = self.counts.setdefault(sheet, dict.fromkeys(COUNT_KINDS, 0))
        counts[kind] = counts.get(kind, 0) + n

    def count(self, sheet: str, kind: str) -> int:
        return self.counts.get(sheet, {}).get(kind, 0)

    def total(self, kind: str) -> int:
        return sum(c.get(kind, 0) for c in self.counts.values())

    @property
    def rejected_count(self) -> int:
        return sum(len(r.rows) for r in self.rejected_rows.values())

    def write_rejects(self, path: Path | str) -> Path:
        """Write the rejected rows: .xlsx -> one workbook, .csv -> one file (one sheet), else a folder of CSVs."""
        from dataio.tabular import csv_bytes, write_tables  # here to keep this module free of file formats

        path = Path(path)
        tables = [(title, r.header, r.rows) for title, r in self.rejected_rows.items()]
        if path.suffix.lower() == ".csv" and len(tables) == 1:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(csv_bytes(tables[0][1], tables[0][2]))
        else:
            write_tables(path, tables, replace=self.rejected_rows)
        self.rejects_path = path
        return path

    def summary_nl(self) -> str:
        """A short Dutch summary, e.g. for the CLI or a UI notification."""
        if self.dry_run:
            head = "Proefimport (niets opgeslagen)"
        elif self.committed:
            head = "Import verwerkt"
        else:
            head = "Import geweigerd (niets opgeslagen)"
        parts = []
        for sheet, counts in self.counts.items():
            items = [f"{counts[k]} {_COUNT_LABELS[k]}" for k in COUNT_KINDS if counts.get(k)]
            if items:
                parts.append(f"{sheet}: " + ", ".join(items))
        text = head + ". " + ("; ".join(parts) + "." if parts else "Geen wijzigingen.")
        if self.errors:
            text += f" {len(self.errors)} fout(en)"
            if self.rejected_count:
                text += f", {self.rejected_count} rij(en) afgekeurd"
            text += "."
        if self.rejects_path:
            text += f" Afgekeurde rijen staan in {self.rejects_path}."
        for warning in self.warnings:
            text += f" {warning[0].upper()}{warning[1:]}" + ("" if warning.endswith((".", "?", "!")) else ".")
        return text


class ImportRefused(Exception):
    """The input has errors, so nothing was written. errors lists every problem found."""

    def __init__(self, errors: list[RowError], result: ImportResult | None = None):
        self.errors = list(errors)
        self.result = result
        super().__init__(self._message())

    def _message(self) -> str:
        shown = "\n".join(str(e) for e in self.errors[:20])
        more = f"\n... en nog {len(self.errors) - 20} fout(en)" if len(self.errors) > 20 else ""
        return f"Import geweigerd, niets opgeslagen: {len(self.errors)} fout(en)\n{shown}{more}"
