"""One key rule for names: what the exchange import treats as the same name is one name in the database.

The import matches organisations, contact persons, tranches (and the planner plans) by name
without case and extra spaces (dataio.values.norm, used by dataio.exchange_rows.key_of). So:

| kind           | unique per    | table        |
|----------------|---------------|--------------|
| organisatie    | the country   | organisation |
| contactpersoon | organisation  | contact      |
| tranche        | region        | tranche      |
| plan           | tranche       | trancheplan  |

Every form's command calls `check_unique_name` before it creates or renames (a Dutch message),
the import cannot create a second one (same key = same row), and a unique index on the
normalised name (migration 0008, `ensure_unique_indexes`) is the backstop on SQLite and
PostgreSQL. Existing duplicates are listed by `vios check` and merged by `vios check --merge`
(`find_duplicates`, `merge_duplicates`); the index of a table with duplicates is created once
they are merged.

The index expression lower(trim(...)) with collapsed spaces equals norm() for names in ASCII
letters and spaces; on SQLite lower() leaves other letters (É, Ö) as they are, so there the
commands' check (Python's casefold) is the stricter of the two.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from dataio.values import norm as name_key
from models import Contact, Organisation, Partnership, Trajectory, Tranche, TranchePlan, table_of
from models.keys import name_key_sql
from services import audit


@dataclass(frozen=True)
class KeyRule:
    kind: str           # Dutch, for messages
    model: type
    scope: str | None   # the column the name is unique within (None: the whole table)
    index: str

    @property
    def table(self) -> str:
        return table_of(self.model).name


RULES: dict[str, KeyRule] = {
    "organisatie": KeyRule("organisatie", Organisation, None, "uq_organisation_name_key"),
    "contactpersoon": KeyRule("contactpersoon", Contact, "organisation_id", "uq_contact_name_key"),
    "tranche": KeyRule("tranche", Tranche, "region_id", "uq_tranche_name_key"),
    "plan": KeyRule("plan", TranchePlan, "tranche_id", "uq_trancheplan_name_key"),
}
_WITHIN = {"contactpersoon": "bij deze organisatie", "tranche": "in deze regio", "plan": "voor deze tranche",
           "organisatie": ""}


class NameTaken(ValueError):
    """A name that is (without case and extra spaces) already used; the message is Dutch."""


sql_key = name_key_sql


def _names(session: Session, rule: KeyRule, scope_id: int | None) -> list[tuple[int, str]]:
    model: Any = rule.model
    stmt = select(col(model.id), col(model.name))
    if rule.scope is not None:
        stmt = stmt.where(col(getattr(model, rule.scope)) == scope_id)
    return [(i, n) for i, n in session.exec(stmt).all()]


def same_name(session: Session, kind: str, name: str, *, scope_id: int | None = None,
              exclude_id: int | None = None) -> int | None:
    """The id of another row of this kind whose name is the same key, or None."""
    rule, key = RULES[kind], name_key(name)
    return next((i for i, n in _names(session, rule, scope_id) if i != exclude_id and name_key(n) == key), None)


def check_unique_name(session: Session, kind: str, name: str, *, scope_id: int | None = None,
                      exclude_id: int | None = None) -> None:
    """Raise NameTaken (Dutch) when the name is already used; call before creating or renaming.

    kind: 'organisatie' (unique in the country), 'contactpersoon' (scope_id: organisation id),
    'tranche' (scope_id: region id) or 'plan' (scope_id: tranche id)."""
    if same_name(session, kind, name, scope_id=scope_id, exclude_id=exclude_id) is not None:
        within = f" {_WITHIN[kind]}" if _WITHIN[kind] else ""
        raise NameTaken(f"er bestaat al een {kind} met de naam '{' '.join(name.split())}'{within} "
                        "(hoofdletters en extra spaties tellen niet mee)")


# ---------------------------------------------------------------- duplicates already stored

@dataclass
class Duplicates:
    kind: str
    scope_id: int | None
    ids: list[int]          # lowest first: the one kept by a merge
    names: list[str]

    def describe(self) -> str:
        where = f" ({RULES[self.kind].scope} {self.scope_id})" if RULES[self.kind].scope else ""
        shown = ", ".join(f"'{n}' (id {i})" for i, n in zip(self.ids, self.names, strict=True))
        return f"{self.kind}{where}: {shown}"


def find_duplicates(session: Session, kinds: Iterable[str] = tuple(RULES)) -> list[Duplicates]:
    """Groups of rows whose names are the same key, per kind, in id order."""
    found: list[Duplicates] = []
    for kind in kinds:
        rule = RULES[kind]
        model: Any = rule.model
        scope_col = getattr(model, rule.scope) if rule.scope else None
        stmt = select(col(model.id), col(model.name), *([col(scope_col)] if scope_col is not None else []))
        groups: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
        for row in session.exec(stmt.order_by(col(model.id))).all():
            values: tuple[Any, ...] = tuple(row)
            scope_id = values[2] if scope_col is not None else None
            groups[(scope_id, name_key(values[1]))].append((values[0], values[1]))
        found += [Duplicates(kind, scope, [i for i, _ in rows], [n for _, n in rows])
                  for (scope, _), rows in groups.items() if len(rows) > 1]
    return found


def merge_duplicates(session: Session, *, username: str) -> list[str]:
    """Merge every group of duplicates into its oldest row (audited); returns what was done, in Dutch.

    Organisations: contacts and partnerships move to the kept one (partnerships that then
    coincide, same school, role and start, become one). Contacts: partnerships move to the kept
    one, its empty phone/e-mail/role are filled in. Tranches: trajectories and plans move. Plans
    are not merged (their schools differ) but renamed with a number.
    """
    done: list[str] = []
    for group in find_duplicates(session, ["organisatie"]):
        done.append(_merge_organisations(session, group, username))
    for group in find_duplicates(session, ["contactpersoon"]):
        done.append(_merge_contacts(session, group, username))
    for group in find_duplicates(session, ["tranche"]):
        done.append(_merge_tranches(session, group, username))
    for group in find_duplicates(session, ["plan"]):
        done.append(_rename_plans(session, group, username))
    session.flush()
    return done


def _delete(session: Session, obj: Any, entity: str, keep: int, username: str) -> None:
    audit.record(session, username=username, action="delete", entity=entity, entity_id=obj.id,
                 detail=f"dubbele naam '{obj.name}' samengevoegd met id {keep} (vios check --merge)")
    session.delete(obj)


def _move(session: Session, model: Any, column: str, old: int, new: int, username: str) -> int:
    rows = list(session.exec(select(model).where(col(getattr(model, column)) == old)))
    for obj in rows:
        setattr(obj, column, new)
        audit.record(session, username=username, action="update", entity=table_of(model).name,
                     entity_id=obj.id, changes={column: (old, new)}, detail="vios check --merge")
    return len(rows)


def _merge_organisations(session: Session, group: Duplicates, username: str) -> str:
    keep, *others = group.ids
    for other in others:
        kept = {name_key(c.name): c for c in session.exec(select(Contact).where(col(Contact.organisation_id) == keep))}
        for contact in list(session.exec(select(Contact).where(col(Contact.organisation_id) == other))):
            same = kept.get(name_key(contact.name))
            if same is not None:  # the same person at both: one contact
                _fold_contact(session, same, contact, username)
        session.flush()
        _move(session, Contact, "organisation_id", other, keep, username)
        _move(session, Partnership, "organisation_id", other, keep, username)
        session.flush()
        _delete(session, session.get(Organisation, other), "organisation", keep, username)
    session.flush()
    _merge_partnerships(session, keep, username)
    return f"samengevoegd: {group.describe()} -> id {keep}"


def _merge_partnerships(session: Session, organisation_id: int, username: str) -> None:
    seen: dict[tuple, Partnership] = {}
    for p in session.exec(select(Partnership).where(col(Partnership.organisation_id) == organisation_id)
                          .order_by(col(Partnership.id))):
        key = (p.school_id, p.role, p.start_on)
        kept = seen.setdefault(key, p)
        if kept is p:
            continue
        if kept.end_on is not None and (p.end_on is None or p.end_on > kept.end_on):
            kept.end_on = p.end_on
        kept.agreements = kept.agreements or p.agreements
        kept.contact_id = kept.contact_id or p.contact_id
        audit.record(session, username=username, action="delete", entity="partnership", entity_id=p.id,
                     detail=f"samengevoegd met samenwerking {kept.id} (vios check --merge)")
        session.delete(p)
    session.flush()


def _merge_contacts(session: Session, group: Duplicates, username: str) -> str:
    keep, *others = group.ids
    kept = session.get(Contact, keep)
    assert kept is not None
    for other in others:
        dup = session.get(Contact, other)
        assert dup is not None
        _fold_contact(session, kept, dup, username)
    session.flush()
    return f"samengevoegd: {group.describe()} -> id {keep}"


def _fold_contact(session: Session, kept: Contact, dup: Contact, username: str) -> None:
    """dup becomes kept: its partnerships move, its details fill kept's empty ones, it is deleted."""
    assert kept.id is not None and dup.id is not None
    for attr in ("role", "phone", "email"):
        if not getattr(kept, attr) and getattr(dup, attr):
            audit.record(session, username=username, action="update", entity="contact", entity_id=kept.id,
                         changes={attr: (getattr(kept, attr), getattr(dup, attr))}, detail="vios check --merge")
            setattr(kept, attr, getattr(dup, attr))
    _move(session, Partnership, "contact_id", dup.id, kept.id, username)
    session.flush()
    _delete(session, dup, "contact", kept.id, username)
    session.flush()


def _merge_tranches(session: Session, group: Duplicates, username: str) -> str:
    keep, *others = group.ids
    for other in others:
        _move(session, Trajectory, "tranche_id", other, keep, username)
        _move(session, TranchePlan, "tranche_id", other, keep, username)
        session.flush()
        _delete(session, session.get(Tranche, other), "tranche", keep, username)
    session.flush()
    return f"samengevoegd: {group.describe()} -> id {keep}"


def _rename_plans(session: Session, group: Duplicates, username: str) -> str:
    taken = {name_key(n) for _, n in _names(session, RULES["plan"], group.scope_id)}
    renamed = []
    for other in group.ids[1:]:
        plan = session.get(TranchePlan, other)
        assert plan is not None
        number = 2
        while name_key(f"{plan.name} ({number})") in taken:
            number += 1
        new = f"{' '.join(plan.name.split())} ({number})"[:100]
        taken.add(name_key(new))
        audit.record(session, username=username, action="update", entity="trancheplan", entity_id=plan.id,
                     changes={"name": (plan.name, new)}, detail="dubbele plannaam (vios check --merge)")
        plan.name = new
        renamed.append(new)
    session.flush()
    return f"hernoemd: {group.describe()} -> {', '.join(renamed)}"


# ---------------------------------------------------------------- the unique indexes

def index_sql(rule: KeyRule) -> str:
    columns = ([rule.scope] if rule.scope else []) + [sql_key("name")]
    return f"CREATE UNIQUE INDEX IF NOT EXISTS {rule.index} ON {rule.table} ({', '.join(columns)})"


def ensure_unique_indexes(conn: Connection) -> list[str]:
    """Create the unique indexes on the normalised names; returns the kinds skipped for duplicates.

    A table whose stored names collide under the index expression keeps no index (yet), so that
    upgrading an existing database never fails: `vios check --merge` merges and creates it."""
    skipped = []
    for kind, rule in RULES.items():
        scope = f"{rule.scope}, " if rule.scope else ""
        clash = conn.execute(text(f"SELECT 1 FROM {rule.table} GROUP BY {scope}{sql_key('name')} "
                                  "HAVING count(*) > 1 LIMIT 1")).first()
        if clash is not None:
            skipped.append(kind)
            continue
        conn.execute(text(index_sql(rule)))
    return skipped
