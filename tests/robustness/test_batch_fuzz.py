"""batch, fuzzed (finding M2): any bytes at all give one record per line, in input order, each a
single line of strict UTF-8 JSON; a line that cannot be assessed is an error record, never the end
of the batch.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livertriage import load_knowledge_base
from livertriage.batch import assess_lines, read_lines

IDS = sorted(load_knowledge_base().catalogue)

# Text as JSON can spell it, lone surrogates (written "\udXXX") and line breaks included.
odd_text = st.lists(
    st.one_of(
        st.characters(),
        st.integers(0xD800, 0xDFFF).map(chr),
        st.sampled_from(["\n", "\r", "\x85", "\u2028", "\u2029", "\x00"]),
    ),
    max_size=6,
).map("".join)
keys = st.one_of(st.sampled_from(IDS), odd_text)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.sampled_from(["yes", "no", "unknown", "YES", " no "]),
    odd_text,
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=6,
)


@st.composite
def json_lines(draw: st.DrawFn) -> bytes:
    """An answers object (or any JSON value), escaped or raw, sometimes cut short."""
    document = draw(st.one_of(st.dictionaries(keys, values, max_size=4), values))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    data = text.encode("utf-8", "surrogatepass")  # raw lone surrogates: not UTF-8 at all
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(0, len(data)))]
    return data


lines = st.one_of(st.binary(max_size=40), json_lines())


@st.composite
def inputs(draw: st.DrawFn) -> bytes:
    parts = draw(st.lists(lines, max_size=6))
    data = b"".join(part + draw(st.sampled_from([b"\n", b"\r\n"])) for part in parts)
    if data and draw(st.booleans()):
        data = data[:-1]  # no end of line after the last line
    return data


@pytest.mark.properties
@settings(  # examples: the profile's (100 in make test, 2,000 in make test-long)
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(inputs(), st.booleans())
def test_every_line_gets_one_valid_record_in_order(data: bytes, compact: bool) -> None:
    # One line per "\n", as a JSONL reader counts them; a last line without one counts too.
    expected = data.count(b"\n") + (data != b"" and not data.endswith(b"\n"))
    written: list[str] = []
    summary = assess_lines(read_lines(io.BytesIO(data)), written.append, workers=1, compact=compact)
    assert summary.records == len(written) == expected
    for number, record in enumerate(written, start=1):
        record.encode("utf-8")  # strict: no lone surrogate reaches the output
        assert record.splitlines() == [record]
        parsed = json.loads(record)
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")  # nor one written as "\udXXX"
        assert parsed["line"] == number
        kinds = {"error", "assessment", "urgency"} & parsed.keys()
        assert len(kinds) == 1, parsed
        if "error" in parsed:
            assert not parsed["error"].startswith("internal error"), parsed
