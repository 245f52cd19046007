"""Documents and pilots: what rules read.

A `Document` is one parsed file recognised as a pilot document (by `apiVersion` and
`kind`, not by its path); a `Pilot` gathers the documents that name one pilot id. Both
are built by `pilotlint.documents.workspace.Workspace`, from whatever source the
workspace reads (a work tree or a git tree).
"""

from __future__ import annotations


from pilotlint.documents.load import LDict, Problem, locate
from pilotlint.documents.source import display
from pilotlint.findings import Suppression


class Document:
    """One YAML file recognised as a pilot document."""

    __slots__ = ("path", "kind", "data", "suppressions", "problems", "placeholders", "oid")

    def __init__(self, path: str, kind: str | None = None, data: LDict | None = None,
                 suppressions: tuple[Suppression, ...] = (), problems: list[Problem] | None = None,
                 placeholders: bool = True, oid: str | None = None) -> None:
        self.path = path                  # repository path, with `/` (exact bytes; `shown` for output)
        self.kind = kind
        self.data = data
        self.suppressions = suppressions
        self.problems: list[Problem] = problems if problems is not None else []
        self.placeholders = placeholders  # may hold `<fill: ...>` markers (False when the text has none)
        self.oid = oid                    # the git blob id, when read from a git tree

    def __repr__(self) -> str:
        return f"Document({self.path!r}, {self.kind!r})"

    @property
    def shown(self) -> str:
        return display(self.path)

    @property
    def pilot(self) -> str | None:
        pilot = self.data.get("pilot") if isinstance(self.data, dict) else None
        return pilot if isinstance(pilot, str) else None

    def get(self, key, default=None):
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def at(self, path: tuple = (), *, key: bool = False) -> tuple[int, int]:
        return locate(self.data, path, key=key) if self.data is not None else (1, 1)

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0] if "/" in self.path else "."


class Pilot:
    """The documents that name one pilot id, by kind."""

    __slots__ = ("id", "charters", "rollbacks", "notes", "approvals")

    def __init__(self, id: str) -> None:
        self.id = id
        self.charters: list[Document] = []
        self.rollbacks: list[Document] = []
        self.notes: list[Document] = []
        self.approvals: list[Document] = []

    def __repr__(self) -> str:
        return f"Pilot({self.id!r})"

    SLOTS = {"Charter": "charters", "RollbackPlan": "rollbacks", "WeeklyNote": "notes", "Approval": "approvals"}

    def add(self, doc: Document) -> None:
        slot = self.SLOTS.get(doc.kind or "")
        if slot:
            getattr(self, slot).append(doc)

    @property
    def charter(self) -> Document | None:
        return self.charters[0] if self.charters else None

    @property
    def rollback(self) -> Document | None:
        return self.rollbacks[0] if self.rollbacks else None

    @property
    def status(self) -> str | None:
        status = self.charter.get("status") if self.charter else None
        return status if isinstance(status, str) else None

    @property
    def documents(self) -> list[Document]:
        return [*self.charters, *self.rollbacks, *self.notes, *self.approvals]

    def sorted_notes(self) -> list[Document]:
        """Notes in ISO-week order (weeks sort as text: `2026-W09` < `2026-W10`)."""
        return sorted((n for n in self.notes if isinstance(n.get("week"), str)), key=lambda n: n.get("week"))
