"""Marshmallow fields for contracts: a list whose length is checked before its entries are loaded.

marshmallow's ``validate.Length`` runs after every entry is deserialized, so 100,000 entries cost their
full load before the limit refuses them (issue 12 item 2); ``BoundedList`` refuses them first, in O(1).
"""

from collections.abc import Mapping
from typing import Any

from marshmallow import ValidationError, fields, validate

from piiri.errors import coded


class BoundedList(fields.List[Any]):
    """``fields.List`` of at most ``max_length`` (and at least ``min_length``) entries, checked first."""

    def __init__(
        self,
        cls_or_instance: fields.Field[Any] | type[fields.Field[Any]],
        max_length: int,
        min_length: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.max_length = max_length
        self.min_length = min_length
        super().__init__(cls_or_instance, validate=validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[Any]:
        if isinstance(value, list | tuple) and len(value) > self.max_length:
            raise ValidationError([coded("list.too_many", max=self.max_length)])
        return super()._deserialize(value, attr, data, **kwargs)
