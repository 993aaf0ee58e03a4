"""The building blocks of every scenario model: immutability, refusing unknown fields, and
the number and id types (shared by :mod:`.scenario`, its parts' modules and :mod:`.twin`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from .text import plain_description, plain_name


def _not_a_whole_number(value: Any) -> Any:
    """``true`` is not 1 and ``"40"`` is text: only JSON numbers are whole numbers."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "must be a whole number")
    return value


def _not_a_number(value: Any) -> Any:
    """``true`` is not 1.0 and ``"0.5"`` is text: only JSON numbers are numbers."""
    if isinstance(value, bool | str):
        raise PydanticCustomError("float_type", "must be a number")
    return value


# Put last in an ``Annotated``, after any ``Field`` constraints, so that the constraints stay
# on the number itself (and so in the JSON Schema as minimum/maximum).
_WHOLE = BeforeValidator(_not_a_whole_number)
_NUMBER = BeforeValidator(_not_a_number)
#: a whole number (40 and 40.0 are accepted; true/false are not)
Whole = Annotated[int, _WHOLE]
#: a number (true/false are not numbers)
Number = Annotated[float, _NUMBER]

_PLAIN_NAME = AfterValidator(plain_name)
_PLAIN_DESCRIPTION = AfterValidator(plain_description)
#: a name shown to people: 1 to 200 characters, none of them invisible or a control
Name = Annotated[str, Field(min_length=1, max_length=200), _PLAIN_NAME]

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
# Bounds that keep every number the engine uses finite (numpy's lognormal and gamma, sums of
# empirical values, capacity × horizon × cost): a valid-looking file never crashes a run.
#: the largest time, duration, distribution parameter, rate or count (a billion)
MAX_VALUE = 1e9
#: the smallest value of a parameter that must be > 0 (a billionth)
MIN_POSITIVE = 1e-9
#: the largest amount of money (a million million)
MAX_MONEY = 1e12
#: the largest multiplier (of a profile, or of a policy change)
MAX_MULTIPLIER = 1e6
#: the most servers a service may have, and the most in a schedule's step
MAX_CAPACITY = 1_000_000
#: the largest priority (either way)
MAX_PRIORITY = 1_000_000

NonNeg = Annotated[
    float,
    Field(ge=0, le=MAX_VALUE, allow_inf_nan=False, description="A number from 0 to 1e9."),
    _NUMBER,
]
Positive = Annotated[
    float,
    Field(
        ge=MIN_POSITIVE,
        le=MAX_VALUE,
        allow_inf_nan=False,
        description="A number > 0: from 1e-9 to 1e9.",
    ),
    _NUMBER,
]
Money = Annotated[
    float,
    Field(ge=0, le=MAX_MONEY, allow_inf_nan=False, description="An amount from 0 to 1e12."),
    _NUMBER,
]
Multiplier = Annotated[
    float,
    Field(ge=0, le=MAX_MULTIPLIER, allow_inf_nan=False, description="From 0 to 1e6."),
    _NUMBER,
]


def _no_tiny_spread(value: float) -> float:
    if 0 < value < MIN_POSITIVE:
        raise ValueError(f"must be 0 or at least {MIN_POSITIVE:g}".replace("e-09", "e-9"))
    return value


#: a standard deviation: 0 (no spread), or from a billionth to a billion
Spread = Annotated[
    float,
    Field(
        ge=0,
        le=MAX_VALUE,
        allow_inf_nan=False,
        json_schema_extra={"anyOf": [{"const": 0}, {"minimum": MIN_POSITIVE}]},
        description="A standard deviation: 0 (no spread), or from 1e-9 to 1e9.",
    ),
    _NUMBER,
    AfterValidator(_no_tiny_spread),
]
Probability = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False), _NUMBER]


class _Frozen(BaseModel):
    """Immutable, and refuses unknown fields except those starting with ``x_``."""

    model_config = ConfigDict(frozen=True, extra="allow", strict=False)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = [
                k
                for k in data
                if isinstance(k, str) and k not in cls.model_fields and not k.startswith("x_")
            ]
            if unknown:
                allowed = ", ".join(cls.model_fields)
                raise ValueError(
                    f"unknown field{'s' if len(unknown) > 1 else ''} "
                    f"{', '.join(repr(k) for k in unknown)} (allowed: {allowed}; "
                    "add your own data under a key starting with x_)"
                )
        return data
