"""`haina classify` input handling: bad lines get a per-line error, order is kept."""

import io
import json

from haina.classify import read_questions


def test_bad_lines_are_reported_and_the_rest_goes_on():
    source = io.StringIO('{"id": "a", "text": "hello"}\nnot json\n[1,2]\n{"id": "b"}\n\n{"id": "c", "text": "   "}\n'
                         + json.dumps({"id": "d", "text": "x" * 2001}) + "\n")
    rows = list(read_questions(source))
    assert [r[0] for r in rows] == ["a", None, None, "b", "c", "d"]
    assert rows[0] == ("a", "hello", None)
    assert "not valid JSON" in rows[1][2] and "line 2" in rows[1][2]
    assert "JSON object" in rows[2][2]
    assert rows[3][2] == "no text" and rows[4][2] == "no text"
    assert "2000" in rows[5][2]
