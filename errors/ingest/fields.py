"""A source's field mapping turned into one msgspec decoder for its JSON lines.

The decoder reads only the mapped fields (msgspec skips the rest in C). Message and stack trace
stay raw JSON until a group needs them, so a line costs one pass and almost no allocations.
A line whose values have unexpected types is normalised once and decoded again (slow path).
"""

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

import msgspec

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "fingerprint": ("fingerprint", "error_fingerprint"),
    "message": ("message",),
    "exception_type": ("exception_type",),
    "stack_trace": ("stack_trace",),
    "trace_id": ("trace_id",),
    "span_id": ("span_id",),
    "level": ("level",),
    "tenant": ("context.tenant_id",),
    "user": ("context.user_id",),
    "operation": ("context.operation",),
}
RAW_TARGETS = frozenset({"message", "stack_trace"})
COUNTING = frozenset({"fingerprint", "level", "message"})
"""What counting a line needs; the rest is decoded only for the lines kept as occurrences."""
EMPTY_RAW = msgspec.Raw(b"")
Getter = Callable[[Any], Any]


def mapping_for(overrides: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Defaults with a source's overrides (a path or a list of paths, first present wins)."""
    unknown = set(overrides) - set(DEFAULT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields in the mapping: {', '.join(sorted(unknown))}")
    mapping = dict(DEFAULT_FIELDS)
    for target, paths in overrides.items():
        chosen = (paths,) if isinstance(paths, str) else tuple(paths)
        if not chosen or not all(isinstance(p, str) and p.strip(".") for p in chosen):
            raise ValueError(f"field {target!r}: give a JSON path like 'context.user_id'")
        mapping[target] = chosen
    return mapping


class _Node:
    """One JSON object level: leaves (key → attribute) and nested objects (key → node)."""

    def __init__(self) -> None:
        self.leaves: dict[str, tuple[str, bool]] = {}
        self.children: dict[str, _Node] = {}

    def add(self, keys: list[str], attr: str, raw: bool) -> str:
        key = keys[0]
        if len(keys) == 1:
            if key in self.children:
                raise ValueError(f"{key!r} is both a value and an object in the mapping")
            self.leaves.setdefault(key, (attr, raw))
            return self.leaves[key][0]
        if key in self.leaves:
            raise ValueError(f"{key!r} is both a value and an object in the mapping")
        child = self.children.setdefault(key, _Node())
        return f"o{list(self.children).index(key)}." + child.add(keys[1:], attr, raw)

    def struct(self, name: str, only: frozenset[str] | None = None) -> type[msgspec.Struct]:
        """The msgspec type of this level; `only` keeps some targets, under the same names."""
        fields: list[tuple[str, Any, Any]] = []
        rename: dict[str, str] = {}
        for key, (attr, raw) in self.leaves.items():
            if only is None or attr.rpartition("_")[0] in only:
                fields.append(
                    (attr, msgspec.Raw if raw else str | None, EMPTY_RAW if raw else None)
                )
                rename[attr] = key
        for index, (key, child) in enumerate(self.children.items()):
            if only is None or child.holds(only):
                kind = child.struct(f"{name}_{index}", only)
                fields.append((f"o{index}", kind, msgspec.field(default_factory=kind)))
                rename[f"o{index}"] = key
        return msgspec.defstruct(name, fields, rename=rename, gc=False)

    def holds(self, targets: frozenset[str]) -> bool:
        leaves = (attr.rpartition("_")[0] in targets for attr, _ in self.leaves.values())
        return any(leaves) or any(child.holds(targets) for child in self.children.values())

    def normalise(self, value: Any) -> dict[str, Any]:
        """Only the mapped keys, with text where text is expected (numbers → str)."""
        out: dict[str, Any] = {}
        for key, (_, raw) in self.leaves.items():
            item = value.get(key)
            if item is not None:
                out[key] = item if raw or isinstance(item, str) else _as_text(item)
        for key, child in self.children.items():
            item = value.get(key)
            if isinstance(item, dict):
                out[key] = child.normalise(item)
        return out


def _as_text(value: Any) -> str:
    return msgspec.json.encode(value).decode() if isinstance(value, dict | list) else str(value)


class LineFields:
    """Decoders and getters for one mapping; `getters[target]` lists the paths in order.

    `counting_decoder` reads only COUNTING fields (fewer allocations on the hot path);
    `decoder` reads them all. Both types share attribute names, so getters fit either.
    """

    def __init__(self, mapping: Mapping[str, tuple[str, ...]]) -> None:
        self._root = _Node()
        self._attrs: dict[str, list[str]] = {}
        for target, paths in mapping.items():
            self._attrs[target] = [
                self._root.add(path.split("."), f"{target}_{i}", target in RAW_TARGETS)
                for i, path in enumerate(paths)
            ]
        self.getters = {t: [attrgetter(a) for a in attrs] for t, attrs in self._attrs.items()}
        self.struct = self._root.struct("Line")
        self.decoder = msgspec.json.Decoder(self.struct)
        self.counting_decoder = msgspec.json.Decoder(self._root.struct("Counted", COUNTING))
        self._generic = msgspec.json.Decoder()
        self._literal = msgspec.json.Decoder(float_hook=str)

    def decode_loose(self, line: str | bytes) -> Any:
        """Slow path: any JSON object, its mapped values coerced; DecodeError if not an object.

        A number past float range (which counting skipped over) is kept as its text."""
        try:
            value = self._generic.decode(line)
        except msgspec.ValidationError:
            value = self._literal.decode(line)
        if not isinstance(value, dict):
            raise msgspec.DecodeError("not a JSON object")
        return self.decoder.decode(msgspec.json.encode(self._root.normalise(value)))

    def first_of(self, target: str) -> Getter:
        """A getter for the first non-empty value of `target` (one C call for one path)."""
        attrs = self._attrs[target]
        if len(attrs) == 1:
            return attrgetter(attrs[0])
        every = attrgetter(*attrs)

        def first(record: Any) -> Any:
            for value in every(record):
                if value:
                    return value
            return None

        return first

    def primary(self, target: str) -> Getter:
        """A getter for the first path of `target` alone (one C call; try `first_of` after)."""
        return attrgetter(self._attrs[target][0])

    def text(self, record: Any, target: str) -> str:
        """The first non-empty value of a text field, '' when none."""
        for get in self.getters[target]:
            value = get(record)
            if value:
                return str(value)
        return ""

    def raw_text(self, record: Any, target: str) -> str | None:
        """A raw field (message, stack trace) as text; None when absent, null or empty."""
        for get in self.getters[target]:
            raw = get(record)
            if len(raw) and bytes(raw) != b"null":
                try:
                    value = msgspec.json.decode(raw)
                except msgspec.ValidationError:
                    value = self._literal.decode(raw)
                text = value if isinstance(value, str) else _as_text(value)
                if text:
                    return text
        return None
