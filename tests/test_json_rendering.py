"""The API's JSON encoder (orjson, with ninja's encoder for what orjson writes otherwise):
the same values as the standard library's JSON with ninja's encoder, for every kind of value
the API returns."""

import datetime as dt
import json
import uuid
from decimal import Decimal

from ninja.responses import NinjaJSONEncoder

from agora.core.api import dump_json


def _stdlib(data) -> str:
    return json.dumps(data, cls=NinjaJSONEncoder)


def test_same_values_as_ninjas_encoder():
    aware = dt.datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=dt.UTC)
    data = {
        "text": "Réunion d'équipe «café» \u2028 <script>\"'\\",
        "when": aware,
        "naive": dt.datetime(2026, 3, 4, 5, 6, 7),
        "day": dt.date(2026, 3, 4),
        "time": dt.time(5, 6, 7, 123000),
        "duration": dt.timedelta(hours=1, seconds=3),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "amount": Decimal("12.50"),
        "nested": [{"n": 1, "f": 1.5, "none": None, "yes": True}],
        "empty": {},
    }
    assert json.loads(dump_json(data)) == json.loads(_stdlib(data))
    # Dates and times as Django writes them (milliseconds, "Z"), not orjson's own format.
    assert b'"when":"2026-03-04T05:06:07.891Z"' in dump_json(data)


def test_what_orjson_refuses_still_encodes():
    data = {1: "int key", "big": 2**70}
    assert json.loads(dump_json(data)) == json.loads(_stdlib(data))


def test_non_ascii_is_utf8():
    assert dump_json({"t": "é"}) == '{"t":"é"}'.encode()


def test_unknown_types_still_fail():
    import pytest

    with pytest.raises(TypeError):
        dump_json({"x": object()})
