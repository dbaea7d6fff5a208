"""Pydantic row models derived from the declaration: they validate every ingested row.

Values are normalised to what the engines store: times as fixed-width ISO-8601 UTC strings,
dates as YYYY-MM-DD, JSON documents as canonical strings, lists from `a|b|c` CSV cells.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, date, datetime
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

from .types import SYSTEM_PROP_NAMES, NodeType, Prop, PropType, RelType

UID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@/+\-]{0,199}$"
LIST_SEPARATOR = "|"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# Structural Cypher fragments that have no business in marketing data. Values are always
# sent as parameters, so this is defence in depth: it catches injection attempts early and
# names them, instead of storing them for some later tool to splice.
_CYPHER_LIKE = re.compile(
    r"(?is)"
    r"(\b(detach\s+delete|load\s+csv|call\s+(db|dbms|apoc|gds)\.)\b)"
    r"|(\b(match|merge|create|optional\s+match)\s*\(\s*\w*\s*(:\s*\w+)?\s*[{)])"
    r"|(\)\s*-\s*\[\s*\w*\s*:\s*\w+)"
    r"|(\b(return|with|set|delete|remove|unwind)\b.*(//|;\s*$))"
    r"|(['\"]\s*[})\]]+\s*(return|match|merge|create|delete|set|with|union|call)\b)"
)


def looks_like_cypher(value: str) -> bool:
    return bool(_CYPHER_LIKE.search(value))


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


def now_iso() -> str:
    return format_time(datetime.now(UTC))


def _parse_datetime(value: Any) -> Any:
    if value is None or isinstance(value, datetime):
        return None if value is None else format_time(value)
    if isinstance(value, date):
        return format_time(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:  # a bare date means midnight UTC
            text += "T00:00:00"
        try:
            return format_time(datetime.fromisoformat(text))
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO-8601 time (e.g. 2026-03-01T09:30:00Z)"
            ) from None
    raise ValueError(f"{value!r} is not an ISO-8601 time")


def _parse_date(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10] if "T" in text else text).isoformat()
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                return json.loads(text)
            except json.JSONDecodeError:
                raise ValueError(f"{value!r} is not a JSON list") from None
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    return value


def _canonical_json(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg} at position {exc.pos}") from None
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a JSON document: {exc}") from None


def _no_cypher(value: str) -> str:
    if looks_like_cypher(value):
        raise ValueError("looks like a Cypher statement, not data; refusing it")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("must be a finite number")
    return value


def _text(max_length: int) -> Any:
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length),
        AfterValidator(_no_cypher),
    ]


def _annotation(prop: Prop, max_field_length: int) -> Any:
    limit = min(prop.max_length or max_field_length, max_field_length)
    bounds: dict[str, Any] = {}
    if prop.minimum is not None:
        bounds["ge"] = prop.minimum
    if prop.maximum is not None:
        bounds["le"] = prop.maximum
    match prop.type:
        case PropType.STRING:
            if prop.name == "uid":
                return Annotated[str, StringConstraints(strip_whitespace=True, pattern=UID_PATTERN)]
            if prop.choices:
                return Annotated[str, AfterValidator(_choice(prop.choices))]
            return _text(limit)
        case PropType.INT:
            return Annotated[int, Field(strict=False, **bounds)]
        case PropType.FLOAT:
            return Annotated[float, Field(allow_inf_nan=False, **bounds), AfterValidator(_finite)]
        case PropType.BOOL:
            return bool
        case PropType.DATETIME:
            return Annotated[str, BeforeValidator(_parse_datetime)]
        case PropType.DATE:
            return Annotated[str, BeforeValidator(_parse_date)]
        case PropType.STRING_LIST:
            return Annotated[list[_text(limit)], BeforeValidator(_split_list)]  # type: ignore[misc]
        case PropType.FLOAT_LIST:
            return Annotated[list[float], BeforeValidator(_split_list)]
        case PropType.JSON:
            return Annotated[
                str,
                BeforeValidator(_canonical_json),
                StringConstraints(max_length=limit),
                AfterValidator(_no_cypher),
            ]
    raise AssertionError(prop.type)  # pragma: no cover


def _choice(choices: tuple[str, ...]) -> Any:
    def check(value: str) -> str:
        if value not in choices:
            raise ValueError(f"{value!r} is not one of: {', '.join(choices)}")
        return value

    return check


class RowModel(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        # an empty CSV cell means "no value" (clears the property); in a required column
        # it means the value is missing
        if not isinstance(data, dict):
            return data
        required = {
            key
            for name, info in cls.model_fields.items()
            if info.is_required()
            for key in (name, info.alias)
        }
        return {
            k: (None if v == "" else v)
            for k, v in data.items()
            if not (v == "" and k in required)
        }


def _fields(props: tuple[Prop, ...], max_field_length: int) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for prop in props:
        if prop.name in SYSTEM_PROP_NAMES:
            continue
        annotation = _annotation(prop, max_field_length)
        if prop.required:
            fields[prop.name] = (annotation, ...)
        else:
            fields[prop.name] = (annotation | None, None)
    return fields


@cache
def node_row_model(node: NodeType, max_field_length: int = 65_536) -> type[RowModel]:
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{node.label}Row",
        __base__=RowModel,
        __doc__=node.doc,
        **_fields(node.all_props(), max_field_length),
    )


@cache
def rel_row_model(rel: RelType, max_field_length: int = 65_536) -> type[RowModel]:
    uid = Annotated[str, StringConstraints(strip_whitespace=True, pattern=UID_PATTERN)]
    endpoint_fields: dict[str, Any] = {
        "from_uid": (uid, Field(..., alias="from")),
        "to_uid": (uid, Field(..., alias="to")),
    }
    # needed only where the type has several endpoint labels; checked by the ingest planner
    endpoint_fields["from_label"] = (str | None, None)
    endpoint_fields["to_label"] = (str | None, None)
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{rel.type.title().replace('_', '')}Row",
        __base__=RowModel,
        __doc__=rel.doc,
        **endpoint_fields,
        **_fields(rel.props, max_field_length),
    )
