"""The building blocks of every scenario model: immutability, refusing unknown fields, and
the number and id types (shared by :mod:`.scenario` and :mod:`.twin`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


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

ID_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
Id = Annotated[str, Field(pattern=ID_PATTERN)]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False), _NUMBER]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False), _NUMBER]
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
