"""What an import found wrong, kept as keys and values so it can be said in any of the eight languages,
and what it changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from haina import i18n

KINDS: tuple[str, ...] = ("service_points", "applications")


@dataclass(frozen=True)
class Problem:
    """One problem: `key` is a text of bot/strings/import.yml (without the "import." prefix).

    `row` is the row of a CSV file (the header is row 1) or the position of the object in its JSON list
    (1 = the first); `label` names the row (a ref or an application number) when known. Values never
    hold passport numbers or dates of birth.
    """

    key: str
    values: dict[str, object] = field(default_factory=dict)
    row: int | None = None
    label: str | None = None
    kind: str | None = None

    def message(self, language: str = "en") -> str:
        problem = i18n.t(f"import.{self.key}", language, **self.values)
        if self.row is None:
            return problem
        label = i18n.t("import.row_label", language, label=self.label) if self.label else ""
        return i18n.t("import.row", language, row=self.row, label=label, problem=problem)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """The outcome of one import: per kind, how many rows were new, changed or already up to date."""

    path: str
    dry_run: bool = False
    counts: dict[str, Counts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())

    def lines(self, language: str = "en") -> list[str]:
        """The report in plain words: every problem, or what was (or would be) imported."""
        if self.problems:
            return [p.message(language) for p in self.problems] + [
                i18n.t("import.failed", language, count=len(self.problems), path=self.path)]
        out = [i18n.t("import.summary", language, kind=i18n.t(f"import.kind.{kind}", language),
                      created=c.created, updated=c.updated, unchanged=c.unchanged)
               for kind, c in self.counts.items()]
        out.append(i18n.t("import.dry_run" if self.dry_run else "import.done", language, path=self.path))
        return out
