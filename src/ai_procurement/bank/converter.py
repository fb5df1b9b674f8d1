"""The one cattrs converter: plain data (YAML/JSON) <-> the attrs model.

Structuring is strict, because bank files are written by hand and a silent coercion
would change a published weight: a number must be a number (``"1.5"`` and ``true`` are
refused), a list must be a list (a string is not a list of characters), unknown keys are
errors, and every problem is reported with its path (cattrs' detailed validation).
Unions of answer types and number curves are tagged by a ``type`` key.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from typing import Any, Literal, TypeVar, get_args

import attrs
import cattrs
from cattrs.v import format_exception, transform_error

from ai_procurement.bank.model import (
    AllOf,
    AnyOf,
    Bank,
    Condition,
    Criterion,
    DateAnswer,
    FreeText,
    Linear,
    MultipleChoice,
    Number,
    Price,
    Question,
    Scale,
    SingleChoice,
    Thresholds,
    YesNo,
)
from ai_procurement.errors import AIProcurementError, Problem
from ai_procurement.text import LANGUAGES, Text, msg, nmsg

__all__ = ["Invalid", "converter", "structure", "unstructure"]

T = TypeVar("T")


class Invalid(ValueError):
    """A value that does not fit its field, said in both languages.

    Attributes:
        text: what was expected and what was found; ``str(exc)`` is its English.
    """

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text

ANSWER_TYPES: dict[str, type] = {
    "yes_no": YesNo,
    "single_choice": SingleChoice,
    "multiple_choice": MultipleChoice,
    "scale": Scale,
    "number": Number,
    "date": DateAnswer,
    "text": FreeText,
    "price": Price,
}
CURVE_TYPES: dict[str, type] = {"linear": Linear, "thresholds": Thresholds}

converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(msg("expected a number, got {value!r}", value=value))
    result = float(value)
    if not math.isfinite(result):
        raise Invalid(msg("expected a finite number, got {value!r}", value=value))
    return result


def _strict_int(value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid(msg("expected a whole number, got {value!r}", value=value))
    return value


def _strict_str(value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(msg("expected a text, got {value!r}", value=value))
    return value


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(msg("expected true or false, got {value!r}", value=value))
    return value


def _date(value: Any, _: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise Invalid(msg("expected a date (YYYY-MM-DD) without a time, got {value!r}",
                          value=value))
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(msg("expected a date as YYYY-MM-DD, got {value!r}", value=value))


def _datetime(value: Any, _: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(msg("expected a date and time as YYYY-MM-DD HH:MM, got {value!r}", value=value))


converter.register_structure_hook(float, _strict_float)
converter.register_structure_hook(int, _strict_int)
converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)
converter.register_structure_hook(dt.date, _date)
converter.register_structure_hook(dt.datetime, _datetime)
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())


def _is_homogeneous_tuple(cl: Any) -> bool:
    args = get_args(cl)
    return getattr(cl, "__origin__", None) is tuple and len(args) == 2 and args[1] is ...


def _tuple_hook_factory(cl: Any) -> Any:
    item_type = get_args(cl)[0]

    def hook(value: Any, _: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple):
            raise Invalid(msg("expected a list, got {value!r}", value=value))
        errors: list[Exception] = []
        items: list[Any] = []
        for index, item in enumerate(value):
            try:
                items.append(converter.structure(item, item_type))
            except Exception as exc:
                exc.__notes__ = [*getattr(exc, "__notes__", []),
                                 cattrs.errors.IterableValidationNote(
                                     f"Structuring {cl} @ index {index}", index, item_type)]
                errors.append(exc)
        if errors:
            raise cattrs.IterableValidationError(f"While structuring {cl!r}", errors, cl)
        return tuple(items)

    return hook


converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_hook_factory)


def _attrs_hook_factory(cl: Any) -> Any:
    # cattrs' own hook fails on a non-mapping with "unknown error ('str' object has no
    # attribute 'keys')"; say what was expected instead.
    inner = converter.gen_structure_attrs_fromdict(cl)

    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid(msg("expected a mapping of keys to values, got {value!r}", value=value))
        return inner(value, cl)

    return hook


def _literal_hook_factory(cl: Any) -> Any:
    allowed = get_args(cl)

    def hook(value: Any, _: Any) -> Any:
        if isinstance(value, str) and value in allowed:
            return value
        raise Invalid(msg("expected one of {list_allowed}, got {value!r}",
                          list_allowed=list(allowed), value=value))

    return hook


def _enum_hook_factory(cl: Any) -> Any:
    def hook(value: Any, _: Any) -> Any:
        for member in cl:
            if isinstance(value, str) and member.value == value:
                return member
        values = [m.value for m in cl]
        raise Invalid(msg("expected one of {values}, got {value!r}", values=values, value=value))

    return hook


converter.register_structure_hook_factory(attrs.has, _attrs_hook_factory)
converter.register_structure_hook_factory(
    lambda t: getattr(t, "__origin__", None) is Literal, _literal_hook_factory)
converter.register_structure_hook_factory(
    lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook_factory)


def _tagged(tags: dict[str, type]) -> Any:
    names = {cls: name for name, cls in tags.items()}

    def structure_hook(value: Any, _: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid(msg("expected a mapping with a 'type' key, got {value!r}", value=value))
        tag = value.get("type")
        if tag not in tags:
            raise Invalid(msg("unknown type {tag!r}; expected one of {sorted_tags}", tag=tag,
                              sorted_tags=sorted(tags)))
        rest = {k: v for k, v in value.items() if k != "type"}
        return converter.structure(rest, tags[tag])

    def unstructure_hook(value: Any) -> dict[str, Any]:
        data = converter.unstructure(value, type(value))
        return {"type": names[type(value)], **data}

    return structure_hook, unstructure_hook


def _register_union(union: Any, tags: dict[str, type]) -> None:
    structure_hook, unstructure_hook = _tagged(tags)
    converter.register_structure_hook(union, structure_hook)
    converter.register_unstructure_hook(union, unstructure_hook)


_register_union(
    YesNo | SingleChoice | MultipleChoice | Scale | Number | DateAnswer | FreeText | Price,
    ANSWER_TYPES)
_register_union(Linear | Thresholds, CURVE_TYPES)
_curve_structure, _curve_unstructure = _tagged(CURVE_TYPES)
converter.register_structure_hook(
    Linear | Thresholds | None, lambda v, t: None if v is None else _curve_structure(v, t))
converter.register_unstructure_hook(
    Linear | Thresholds | None, lambda v: None if v is None else _curve_unstructure(v))



def _condition_structure(value: Any, _: Any) -> Any:
    # One condition has a 'question' key; a combination has only 'all_of' or 'any_of',
    # listing conditions (the single-condition 'any_of' lists option ids).
    if isinstance(value, dict) and "question" not in value:
        if set(value) == {"all_of"}:
            return converter.structure(value, AllOf)
        if set(value) == {"any_of"}:
            return converter.structure(value, AnyOf)
        raise Invalid(msg("expected a condition {{question, any_of}} or a combination {{all_of: "
                          "[...]}} / {{any_of: [...]}} of conditions, got {value!r}", value=value))
    return converter.structure(value, Condition)


converter.register_structure_hook(Condition | AllOf | AnyOf, _condition_structure)
converter.register_structure_hook(
    Condition | AllOf | AnyOf | None,
    lambda v, t: None if v is None else _condition_structure(v, t))
converter.register_unstructure_hook(
    Condition | AllOf | AnyOf, lambda v: converter.unstructure(v, type(v)))
converter.register_unstructure_hook(
    Condition | AllOf | AnyOf | None,
    lambda v: None if v is None else converter.unstructure(v, type(v)))

_text_inner = converter.gen_structure_attrs_fromdict(Text)


def _text_structure(value: Any, _: Any) -> Text:
    # A bank declares its languages; a text absent in one is left empty here and
    # check_bank reports it when the bank declares that language.
    if not isinstance(value, dict):
        raise Invalid(msg("expected a mapping of keys to values, got {value!r}", value=value))
    if not any(lang in value for lang in LANGUAGES):
        raise Invalid(msg("expected a text in at least one of {list_LANGUAGES}, got {value!r}",
                          list_LANGUAGES=list(LANGUAGES), value=value))
    empty: dict[str, Any] = {lang: "" for lang in LANGUAGES}
    return _text_inner(empty | value, Text)


converter.register_structure_hook(Text, _text_structure)

_question_inner = converter.gen_structure_attrs_fromdict(Question)


def _question_structure(value: Any, _: Any) -> Question:
    # 'why' may be left out (check_bank allows it at weight 0 only).
    if isinstance(value, dict) and "why" not in value:
        value = {**value, "why": None}
    if not isinstance(value, dict):
        raise Invalid(msg("expected a mapping of keys to values, got {value!r}", value=value))
    return _question_inner(value, Question)


converter.register_structure_hook(Question, _question_structure)

# Fields added after the format was published are left out when they hold their
# default, so that existing banks and questionnaires keep their bytes and fingerprints.
_OPTIONAL_FIELDS: dict[type, tuple[str, ...]] = {
    Bank: ("languages", "aggregation", "require_verification"),
    Criterion: ("applies_if", "sub_criteria"),
    Question: ("sub_criterion", "guidance_by_answer", "verification"),
    Price: ("dqe",),
}


def _omitting_defaults(cls: type, names: tuple[str, ...]) -> Any:
    defaults = {f.name: f.default for f in attrs.fields(cls) if f.name in names}

    def hook(value: Any) -> dict[str, Any]:
        data = {}
        for field in attrs.fields(cls):
            item = getattr(value, field.name)
            if field.name in defaults and item == defaults[field.name]:
                continue
            data[field.name] = converter.unstructure(item, field.type)
        return data

    return hook


for _cls, _names in _OPTIONAL_FIELDS.items():
    attrs.resolve_types(_cls)
    converter.register_unstructure_hook(_cls, _omitting_defaults(_cls, _names))


def omit_defaults(cls: type, names: tuple[str, ...]) -> None:
    """Leave fields ``names`` of ``cls`` out of its plain data when they hold their default.

    For fields added to a published format: files written before keep their bytes and
    fingerprints.
    """
    attrs.resolve_types(cls)
    converter.register_unstructure_hook(cls, _omitting_defaults(cls, names))


def unstructure(value: Any) -> Any:
    """Turn a model object into plain data (dicts, lists, strings, numbers), None omitted."""
    return _drop_none(converter.unstructure(value))


def _drop_none(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _drop_none(v) for k, v in data.items() if v is not None}
    if isinstance(data, list | tuple):
        return [_drop_none(v) for v in data]
    return data


def structure(data: Any, cls: type[T]) -> tuple[T | None, list[Problem]]:
    """Build ``cls`` from plain data; return it, or None and every problem with its path."""
    try:
        return converter.structure(data, cls), []
    except Exception as exc:
        problems = []
        texts: list[Text] = []  # cattrs passes strings: each is an index in this list

        def number(exc: BaseException, type_: type | None) -> str:
            texts.append(_format(exc, type_))
            return str(len(texts) - 1)

        for message in transform_error(exc, path="$", format_exception=number):
            index, at, path = message.rpartition(" @ ")
            problems.append(Problem(path if at else "$", texts[int(index if at else message)]))
        return None, problems


def _format(exc: BaseException, type_: type | None) -> Text:
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        keys = sorted(exc.extra_fields)
        return nmsg("unknown key: {keys}", "unknown keys: {keys}", len(keys),
                    keys=", ".join(keys))
    if isinstance(exc, KeyError):
        return _REQUIRED
    if isinstance(exc, Invalid):
        return exc.text
    if isinstance(exc, AIProcurementError):  # a check of the model, in both languages
        return exc.text
    if isinstance(exc, ValueError) and exc.args:
        return Text(fr=str(exc), en=str(exc))
    return _plain(format_exception(exc, type_))


_REQUIRED = msg("required key missing")


def _plain(message: str) -> Text:
    """Reword cattrs' messages for people who edit YAML."""
    if message.startswith("required field missing"):
        return _REQUIRED
    if message.startswith("extra fields found"):
        keys = [k.strip() for k in message.partition(":")[2].split(",") if k.strip()]
        return nmsg("unknown key: {keys}", "unknown keys: {keys}", len(keys),
                    keys=", ".join(keys))
    if message.startswith("expected mapping"):
        return msg("expected a mapping of keys to values")
    if message.startswith("expected iterable"):
        return msg("expected a list")
    return msg("invalid value ({detail})", detail=message)
