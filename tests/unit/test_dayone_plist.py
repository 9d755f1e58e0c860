"""Day One Classic entries are read by load_plist, which must give exactly what plistlib gives:
the same value, or the same refusal (issue 17: the import is faster, not different)."""

from __future__ import annotations

import plistlib
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reflectjournal.services.importers.dayone_classic import load_plist


def _outcome(read, data: bytes):
    try:
        return ("value", read(data))
    except Exception as exc:  # the kind of refusal is what must match
        return ("error", type(exc).__name__, str(exc))


def _same_as_plistlib(data: bytes) -> None:
    # Compared as repr: NaN equals itself there, and a dict's keys must come in the same order.
    assert repr(_outcome(load_plist, data)) == repr(_outcome(plistlib.loads, data))


_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r")
    .filter(lambda c: c in "\t\n" or ord(c) >= 0x20)
    .filter(lambda c: c not in "\ufffe\uffff"),
    max_size=30,
)
_LEAF = (
    _TEXT
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2199, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    )
)
_VALUE = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(value=st.dictionaries(_TEXT, _VALUE, max_size=6))
def test_written_plists_read_the_same(value):
    data = plistlib.dumps(value)
    assert repr(load_plist(data)) == repr(plistlib.loads(data))
    assert load_plist(data) == value


@settings(max_examples=300, deadline=None)
@given(
    value=st.dictionaries(_TEXT, _VALUE, min_size=1, max_size=4),
    at=st.integers(min_value=0),
    cut=st.integers(min_value=0, max_value=12),
    insert=st.sampled_from(
        [
            b"",
            b"<",
            b"&",
            b"&amp;",
            b"<!-- c -->",
            b"<x/>",
            b"<key>k</key>",
            b"</dict>",
            b"<string>s</string>",
            b"\r\n",
            b"<![CDATA[<q>]]>",
            b"\xff",
            b"<data>AA==</data>",
        ]
    ),  # fmt: skip
)
def test_damaged_plists_are_refused_or_read_as_plistlib_does(value, at, cut, insert):
    data = plistlib.dumps(value)
    at %= len(data)
    _same_as_plistlib(data[:at] + insert + data[at + cut :])


DAY_ONE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
    b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
    b'<plist version="1.0">\n<dict>\n'
    b"\t<key>Creation Date</key>\n\t<date>2014-01-07T17:32:09Z</date>\n"
    b"\t<key>Entry Text</key>\n\t<string>Title\r\nBody &amp; more &#x41;&lt;</string>\n"
    b"\t<key>Starred</key>\n\t<false/>\n"
    b"\t<key>Tags</key>\n\t<array><string>a</string><string>b c</string></array>\n"
    b"\t<key>Location</key>\n\t<dict><key>Latitude</key><real>51.5</real>"
    b"<key>Zoom</key><integer>0x1F</integer></dict>\n"
    b"\t<key>UUID</key>\n\t<string>ABC</string>\n"
    b"</dict>\n</plist>\n"
)


@pytest.mark.parametrize(
    "data",
    [
        DAY_ONE,
        DAY_ONE.replace(b"<false/>", b"<true>ignored</true>"),
        DAY_ONE.replace(b"<string>ABC</string>", b"<string>A<!-- c -->BC</string>"),
        DAY_ONE.replace(b"<string>ABC</string>", b"<string><![CDATA[<A>]]></string>"),
        DAY_ONE.replace(b"<string>ABC</string>", b"<data>QUJD</data>"),
        DAY_ONE.replace(b"<string>ABC</string>", b"<unknown>x</unknown><string>A</string>"),
        DAY_ONE.replace(b"<string>ABC</string>", b""),  # a key without a value
        DAY_ONE.replace(b"<key>UUID</key>", b"<key></key>"),  # an empty key
        DAY_ONE.replace(b"<key>Starred</key>", b"<key>Tags</key>"),  # a key given twice
        DAY_ONE.replace(b"2014-01-07T17:32:09Z", b"2014-01-07T17:32:09"),  # no Z
        DAY_ONE.replace(b"2014-01-07T17:32:09Z", b"2014-01Z"),  # year and month only
        DAY_ONE.replace(b"2014-01-07T17:32:09Z", b"2014-02-30T00:00:00Z"),  # no such day
        DAY_ONE.replace(b"0x1F", b"1_000"),
        DAY_ONE.replace(b"0x1F", b" 12 "),
        DAY_ONE.replace(b"0x1F", b"twelve"),
        DAY_ONE.replace(b"<real>51.5</real>", b"<real>nan</real>"),
        DAY_ONE.replace(b"<array>", b"<array><key>k</key>"),
        DAY_ONE.replace(b"<dict>\n", b'<!DOCTYPE x [<!ENTITY e "x">]><dict>\n', 1),
        DAY_ONE.replace(b"ABC", b"&e;"),  # an undefined entity
        DAY_ONE.replace(b"</plist>", b"<string>second</string></plist>"),
        DAY_ONE.replace(b'<?xml version="1.0" encoding="UTF-8"?>', b""),
        b"  " + DAY_ONE,  # plistlib only takes XML that starts at once
        b"\xef\xbb\xbf" + DAY_ONE,
        DAY_ONE.replace(b"UTF-8", b"ISO-8859-1").replace(b"ABC", b"caf\xe9"),
        DAY_ONE.replace(b"ABC", b"\x01"),
        DAY_ONE[:-20],
        b'<?xml version="1.0"?><dict><key>a</key><string>b</string></dict>',
        b"<plist><string>only a string</string></plist>",
        plistlib.dumps(
            {"Entry Text": "binary", "When": datetime(2020, 1, 1)}, fmt=plistlib.FMT_BINARY
        ),
        b"",
        b"not a plist",
    ],
)
def test_edge_cases_match_plistlib(data):
    _same_as_plistlib(data)
