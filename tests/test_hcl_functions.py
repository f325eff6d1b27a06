"""Terraform's built-in functions (linter/resolve/hcl_functions.py and
linter/resolve/functions/), called directly with resolved values.

Expected values are Terraform's own: each was checked against Terraform's evaluator
(tfparse) when written, and is kept here as a literal.
"""

from __future__ import annotations

import base64
import os
import time
from typing import Any

import pytest

from linter.resolve import hcl_functions
from linter.resolve.functions.base import MAX_BYTES
from linter.resolve.hcl_functions import CONTEXT_FUNCTIONS, FUNCTIONS, call, jsonencode
from linter.values import (
    Branches,
    ConfigNode,
    EvaluationError,
    PartialText,
    ResourceRef,
    Unknown,
    plain,
)

UNKNOWN = Unknown("var.x has no value")
REF = ResourceRef("aws_kms_key", "k", "arn")


def node(line: int = 1, **items: Any) -> ConfigNode:
    mapping = ConfigNode(line)
    for key, value in items.items():
        mapping.set(key, value, line)
    return mapping


def evaluated(name: str, *args: Any) -> Any:
    return plain(call(name, list(args)))


# --- known arguments: Terraform's results ---------------------------------------------

STRINGS = [
    ("chomp", ["x\r\n\n"], "x"),
    ("chomp", ["abc"], "abc"),
    ("endswith", ["hello", "lo"], True),
    ("startswith", ["hello", "he"], True),
    ("strcontains", ["hello", "ell"], True),
    ("indent", [2, "a\nb\n"], "a\n  b\n  "),
    ("join", ["-", ["a"], ["b", "c"]], "a-b-c"),
    ("join", [",", ["a", 1, True]], "a,1,true"),
    ("lower", ["ÀB"], "àb"),
    ("upper", ["straße"], "STRAßE"),
    ("upper", ["ǆ"], "Ǆ"),
    ("replace", ["a-b-c", "-", "_"], "a_b_c"),
    ("replace", ["abc", "", "-"], "-a-b-c-"),
    ("replace", ["hello world", "/o(.)/", "0$1$$"], "hell0 $w0r$ld"),
    ("replace", ["abc", "/(?P<x>b)/", "[$x]"], "a[b]c"),
    ("replace", ["aaa", "/a*/", "-"], "-"),
    ("replace", ["xyz", "/y?/", "-"], "-x-z-"),
    ("split", [",", ""], [""]),
    ("split", ["", "abc"], ["a", "b", "c"]),
    ("split", [",", "a,b"], ["a", "b"]),
    ("strrev", ["abc"], "cba"),
    ("strrev", ["e\u0301x"], "xe\u0301"),  # a combining accent stays on its letter
    ("substr", ["hello world", -5, 3], "wor"),
    ("substr", ["hello", 1, -1], "ello"),
    ("substr", ["hello", 10, 2], ""),
    ("substr", ["hello", -2, 0], "lo"),
    ("substr", ["hello", 0, 0], ""),
    ("substr", ["hello", -10, 2], "he"),
    ("title", ["hello wORLD-foo_bar o'neil élan 3rd"], "Hello WORLD-Foo_bar O'Neil Élan 3rd"),
    ("title", ["ǆemal"], "ǅemal"),
    ("trim", ["?!hello?!", "!?"], "hello"),
    ("trimprefix", ["helloworld", "hello"], "world"),
    ("trimsuffix", ["helloworld", "world"], "hello"),
    ("trimspace", ["\u00a0 x \u0085\u000b"], "x"),
    ("regex", ["(?P<y>\\d+)-(?P<m>\\d+)", "2024-05"], {"m": "05", "y": "2024"}),
    ("regex", ["(\\d+)\\.(\\d+)", "v10.20"], ["10", "20"]),
    ("regex", ["a(b)?", "a"], [None]),
    ("regex", ["[[:alpha:]]+", "12ab3"], "ab"),
    ("regex", ["^(?i)abc$", "ABC"], "ABC"),
    ("regex", ["(?i)^abc$", "ABC"], "ABC"),
    ("regex", ["a{2,3}", "aaaa"], "aaa"),
    ("regex", ["\\bfoo\\b", "a foo b"], "foo"),
    ("regex", ["\\x41\\x{42}", "AB"], "AB"),
    ("regex", ["[\\d-]+", "12-34"], "12-34"),
    ("regex", ["\\Qa.b\\E", "xa.by"], "a.b"),
    ("regex", ["\\z", "a"], ""),
    ("regex", ["(?s)a.b", "a\nb"], "a\nb"),
    ("regex", ["(?m)^b$", "a\nb\nc"], "b"),
    ("regex", ["\\s+", "a \u000b b"], " "),  # RE2's \s has no vertical tab
    ("regex", ["\\101", "A"], "A"),  # an octal escape, not a backreference
    ("regexall", ["[a-z]+", "1a2bb3"], ["a", "bb"]),
    ("regexall", ["a*", "baaab"], ["", "aaa", ""]),
]

FORMATS = [
    ("format", ["%v|%v|%v|%v|%v", 1000000, 123456, 0.0001, 0.00001, 1.5],
     "1e+06|123456|0.0001|1e-05|1.5"),
    ("format", ["%e|%E|%f|%g|%G|%.3g|%10.2f|%-10.2f|%+d|% d|%05d|%-5d|%x|%X|%o|%b|%#x|%#o|%#b",
                1234.5678, 0.000123, 3.14159, 1e21, 1e-7, 3.14159, 3.14159, 3.14159, 5, 5,
                -42, 7, 255, 255, 8, 5, 255, 8, 5],
     "1.234568e+03|1.230000E-04|3.141590|1e+21|1E-07|3.14|      3.14|3.14      |+5| 5|-0042|"
     "7    |ff|FF|10|101|0xff|010|0b101"),
    ("format", ["%q|%5s|%-5s|%.2s|%t|%#v|%v|%v", "a<b>&\u2028é", "ab", "ab", "abcdef", "true",
                "x", None, [1, "a"]],
     '"a\\u003cb\\u003e\\u0026\\u2028é"|   ab|ab   |ab|true|"x"|null|[1,"a"]'),
    ("format", ["%[2]s %[1]s %s", "a", "b"], "b a b"),
    ("format", ["%.0d|%.3d|%08.3d|%8.3d", 0, 7, 7, 7], "|007|     007|     007"),
    ("format", ["%5.1[1]f|%[1]v", 3.14159], "  3.1|3.14159"),
    ("format", ["%v|%v", True, 1e100], "true|1e+100"),
    ("format", ["%s-%d-%%", "a", 5], "a-5-%"),
    ("format", ["%s", 1.5], "1.5"),
    ("format", ["%d", "12"], "12"),
    ("format", ["%t", "false"], "false"),
    ("format", ["%5t", True], "true"),
    ("format", ["%10.3e|%-+8.2f|%08.2f|%+.1e", 12345.678, 3.14159, -3.14159, 0],
     " 1.235e+04|+3.14   |-0003.14|+0.0e+00"),
    ("format", ["%.3g|%.2g|%g|%g|%.10g", 1.0, 100, 0.5, 1234567, 1.0 / 3],
     "1|1e+02|0.5|1.234567e+06|0.3333333333"),
    ("format", ["%x|%X|%o|%b", -255, 255, -8, -5], "-ff|FF|-10|-101"),
    ("format", ["%5.2s|%-6q|%06s", "héllo", "a", "x"], '   hé|"a"   |00000x'),
    ("format", ["%v", node(b=[1, "x"], a=None)], '{"a":null,"b":[1,"x"]}'),
    ("format", ["%#v", 'a"b'], '"a\\"b"'),
    ("format", ["%.2f|%.0f|%.0f|%.1f", 2.675, 0.5, 1.5, 0.25], "2.67|0|2|0.2"),
    # ties round to the side of Terraform's 512-bit binary value, exact ties to even
    ("format", ["%.0g|%.1f|%.2G|%.0e|%12.f|%.2e", 0.15, 0.05, 0.125, 2.5, 99999.5, 9.995],
     "0.2|0.1|0.12|2e+00|      100000|1.00e+01"),
    ("format", ["%0-12g|%-012.1g|%+012.d|% 05.0b|%0-5.1q|%-012q", 3.14159, 3.14159, 0, 0,
                3.14159, 0.5], '000003.14159|000000000003|||"3"00|"0.5"0000000'),
    ("format", ["% .20g|%-.20E", 3.14159, 3.14159], " 3.14159|3.14159000000000000000E+00"),
    ("formatlist", ["%s-%s", ["a", "b"], "x"], ["a-x", "b-x"]),
    ("formatlist", ["%s", []], []),
    ("formatlist", ["x"], ["x"]),
]

COLLECTIONS = [
    ("alltrue", [[True, "true"]], True),
    ("alltrue", [[]], True),
    ("alltrue", [[True, None]], False),
    ("anytrue", [[False, "true"]], True),
    ("anytrue", [[]], False),
    ("chunklist", [[1, 2, 3, 4, 5], 2], [[1, 2], [3, 4], [5]]),
    ("chunklist", [[1, 2, 3], 0], [[1, 2, 3]]),
    ("chunklist", [[], 2], []),
    ("coalesce", [1, "a"], "1"),
    ("coalesce", ["", None, 5], "5"),
    ("coalesce", ["", None, "z"], "z"),
    ("coalescelist", [[], ["a"]], ["a"]),
    ("compact", [["a", "", None, "b", 1]], ["a", "b", "1"]),
    ("concat", [[1], ["a"]], [1, "a"]),
    ("contains", [["a", "b"], "b"], True),
    ("contains", [[1, 2], "1"], False),
    ("contains", [["1", "2"], 1], False),
    ("contains", [[], UNKNOWN], False),
    ("distinct", [[1, 2, 1, "2"]], ["1", "2"]),
    ("element", [["a", "b", "c"], 4], "b"),
    ("element", [["a", "b", "c"], -1], "c"),
    ("flatten", [[[1, [2, 3]], 4, []]], [1, 2, 3, 4]),
    ("flatten", [[["a", ["b"]], [], "c"]], ["a", "b", "c"]),
    ("index", [["a", "b"], "b"], 1),
    ("keys", [node(b=1, a=2)], ["a", "b"]),
    ("keys", [node()], []),
    ("length", [["a", "b"]], 2),
    ("length", [node(a=1, b=2)], 2),
    ("length", [""], 0),
    ("length", ["e\u0301x"], 2),  # grapheme clusters, not code points
    ("lookup", [node(a="x"), "a"], "x"),
    ("lookup", [node(a="x"), "b", "d"], "d"),
    ("matchkeys", [["a", "b", "c"], ["x", "y", "z"], ["z", "x"]], ["a", "c"]),
    ("matchkeys", [["a", "b"], [1, 2], ["2"]], ["b"]),
    ("merge", [node(a=1), node(b=2), node(a=3)], {"a": 3, "b": 2}),
    ("merge", [node(a=1), None, node(b=2)], {"a": 1, "b": 2}),
    ("merge", [], {}),
    ("one", [[]], None),
    ("one", [["x"]], "x"),
    ("range", [3], [0, 1, 2]),
    ("range", [-3], [0, -1, -2]),
    ("range", [1, 4], [1, 2, 3]),
    ("range", [4, 1], [4, 3, 2]),
    ("range", [0, 1, 0.25], [0, 0.25, 0.5, 0.75]),
    ("range", [1, 2, 0.3], [1, 1.3, 1.6, 1.9]),
    ("reverse", [[1, 2, 3]], [3, 2, 1]),
    ("slice", [[1, 2, 3, 4], 1, 3], [2, 3]),
    ("sort", [["b", "a", "10", "9"]], ["10", "9", "a", "b"]),
    ("sort", [[3, 1, 2]], ["1", "2", "3"]),
    ("sum", [[1, 2.5, "3"]], 6.5),
    ("sum", [[0.1, 0.2]], 0.3),
    ("transpose", [node(a=["1", "2"], b=["2", "3"])], {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("transpose", [node()], {}),
    ("values", [node(b=1, a=2)], [2, 1]),
    ("zipmap", [["a", "b", "a"], [1, 2, 3]], {"a": 3, "b": 2}),
    ("setintersection", [["a", "b", "c"], ["b", "c", "d"], ["c", "b"]], ["b", "c"]),
    ("setproduct", [["a", "b"], [1, 2]], [["a", 1], ["a", 2], ["b", 1], ["b", 2]]),
    ("setproduct", [["a"], []], []),
    ("setsubtract", [["a", "b", "c"], ["b"]], ["a", "c"]),
    ("setunion", [["b", "a"], ["c", "a"]], ["a", "b", "c"]),
    ("setunion", [[1], ["a"]], ["1", "a"]),
]

ENCODING = [
    ("base64decode", ["aGVsbG8="], "hello"),
    ("base64encode", ["héllo"], "aMOpbGxv"),
    ("csvdecode", ["a,b\n1,2\n\n3,4\n"], [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]),
    ("csvdecode", ['a,b\n"x,y","q""r"\n'], [{"a": "x,y", "b": 'q"r'}]),
    ("csvdecode", ['a,b\n1,"2\n3"\n'], [{"a": "1", "b": "2\n3"}]),
    ("csvdecode", ["a,b\r\n1,2\r\n"], [{"a": "1", "b": "2"}]),
    ("csvdecode", ["a,b\n"], []),
    ("jsondecode", ['{"a": 1, "a": 2}'], {"a": 2}),
    ("jsondecode", ["1.0"], 1),
    ("jsondecode", ['  {"a": [1, 2.50, null, true, "x"]} '], {"a": [1, 2.5, None, True, "x"]}),
    ("jsondecode", ['{"a": 1e2}'], {"a": 100}),
    ("jsonencode", [node(b="<&>\b\f\t\n\u0001é", a=1e20, c=0.1, d=[True, None], e=2.5e-8)],
     '{"a":100000000000000000000,"b":"\\u003c\\u0026\\u003e\\b\\f\\t\\n\\u0001é","c":0.1,'
     '"d":[true,null],"e":0.000000025}'),
    ("jsonencode", ["é\u2028"], '"é\\u2028"'),
    ("jsonencode", [[1e-7, -0.5, 123456789012345678901234567890]],
     "[0.0000001,-0.5,123456789012345678901234567890]"),
    ("textencodebase64", ["Hello World", "UTF-16LE"], "SABlAGwAbABvACAAVwBvAHIAbABkAA=="),
    ("textencodebase64", ["Hello", "UTF-16"], "/v8ASABlAGwAbABv"),
    ("textencodebase64", ["é", "latin1"], "6Q=="),
    ("textencodebase64", ["é", "windows-1252"], "6Q=="),
    ("textdecodebase64", ["SABlAGwAbABvAA==", "UTF-16LE"], "Hello"),
    ("textdecodebase64", ["/v8ASA==", "UTF-16"], "H"),
    ("textdecodebase64", ["6Q==", "ISO-8859-1"], "é"),
    ("urlencode", ["a b&c/d~e_é"], "a+b%26c%2Fd~e_%C3%A9"),
    ("urlencode", [""], ""),
    ("yamldecode", ["a: yes\nb: 2001-12-14\nc: 1.0\nd: 0x1F\ne: ~\nf: on\n1: x"],
     {"1": "x", "a": True, "b": "2001-12-14T00:00:00Z", "c": 1, "d": 31, "e": None, "f": True}),
    ("yamldecode", ["a: &x [1]\nb: *x\n"], {"a": [1], "b": [1]}),
    ("yamldecode", [""], None),
    ("yamldecode", ["2001-12-14t21:59:43.10-05:00"], "2001-12-14T21:59:43-05:00"),
    ("yamldecode", ["a:\n  - b: 1\n"], {"a": [{"b": 1}]}),
    ("yamlencode", [node(b="x", a=1, c=[True, None, "multi\nline"], d=node(), e=[], f="yes",
                         g="1", h="")],
     '"a": 1\n"b": "x"\n"c":\n- true\n- null\n- |-\n  multi\n  line\n"d": {}\n"e": []\n'
     '"f": "yes"\n"g": "1"\n"h": ""\n'),
    ("yamlencode", [node(a=" ".join(["word"] * 21))],
     '"a": "' + " ".join(["word"] * 16) + '\n  ' + " ".join(["word"] * 5) + '"\n'),
    ("yamlencode", [[node(a=1, b=[1, 2]), [1, [2]], node(), "x\ny\n", "x\n\n", " lead\nx",
                     "tab\there", "é\u0001"]],
     '- "a": 1\n  "b":\n  - 1\n  - 2\n- - 1\n  - - 2\n- {}\n- |\n  x\n  y\n- |+\n  x\n\n'
     '- |2-\n   lead\n  x\n- "tab\\there"\n- "é\\x01"\n'),
    ("yamlencode", [node(n=node(m=node(k="v")), l=[[]], e="", f=1.5, g=-0.0001, h=1e20)],
     '"e": ""\n"f": 1.5\n"g": -0.0001\n"h": 100000000000000000000\n"l":\n- []\n"n":\n'
     '  "m":\n    "k": "v"\n'),
    ("yamlencode", ["x"], '"x"\n'),
    ("yamlencode", [None], "null\n...\n"),
    ("yamlencode", [[]], "[]\n"),
    ("yamlencode", ["trail \nx"], '"trail \\nx"\n'),
]

NUMERIC = [
    ("abs", [-1.5], 1.5),
    ("abs", [0], 0),
    ("ceil", [1.2], 2),
    ("ceil", [-1.5], -1),
    ("floor", [-1.2], -2),
    ("floor", [1], 1),
    ("log", [8, 2], 3),
    ("log", [16, 4], 2),
    ("max", [1, 2.5, "3"], 3),
    ("min", [3, "1", 2], 1),
    ("parseint", ["zZ", 62], 2231),
    ("parseint", ["-FF", 16], -255),
    ("parseint", ["+7", 10], 7),
    ("pow", [2, 0.5], 1.4142135623730951),
    ("pow", [10, 2], 100),
    ("signum", [-3], -1),
    ("signum", [0], 0),
]

IP_NETWORK = [
    ("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
    ("cidrhost", ["10.12.112.0/20", -1], "10.12.127.255"),
    ("cidrhost", ["10.0.0.1/8", 2], "10.0.0.2"),
    ("cidrhost", ["10.0.0.0/30", -4], "10.0.0.0"),
    ("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
    ("cidrsubnet", ["10.0.0.0/16", 8, 1], "10.0.1.0/24"),
    ("cidrsubnet", ["10.1.2.0/24", 4, 15], "10.1.2.240/28"),
    ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ["010.0.0.0/16", 8, 1], "10.0.1.0/24"),
    ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4],
     ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    ("cidrsubnets", ["10.0.0.0/24", 2, 1], ["10.0.0.0/26", "10.0.0.128/25"]),
    ("cidrsubnets", ["10.0.0.0/24"], []),
]

TYPE_CONVERSION = [
    ("tobool", ["true"], True),
    ("tobool", [None], None),
    ("tonumber", ["1e3"], 1000),
    ("tonumber", [None], None),
    ("tostring", [5], "5"),
    ("tostring", [True], "true"),
    ("tostring", [1e20], "100000000000000000000"),
    ("tostring", [0.1], "0.1"),
    ("tolist", [["a", 1]], ["a", "1"]),
    ("tolist", [["a", True]], ["a", "true"]),
    ("toset", [[3, 1, 2, 1]], [1, 2, 3]),
    ("toset", [["b", 1, True]], ["1", "b", "true"]),
    ("toset", [[]], []),
    ("tomap", [node(a=1, b="x")], {"a": "1", "b": "x"}),
    ("sensitive", ["s"], "s"),
    ("nonsensitive", ["x"], "x"),
]

HASHING = [
    ("md5", ["hello"], "5d41402abc4b2a76b9719d911017c592"),
    ("sha1", ["abc"], "a9993e364706816aba3e25717850c26c9cd0d89d"),
    ("sha256", [""], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("sha512", ["abc"], "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                        "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
    ("base64sha256", ["hello"], "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
    ("base64sha512", ["abc"], "3a81oZNherrMQXNJriBBMRLm+k6JqX6iCp7u5ktV05ohkpkqJ0/BqDa6PCOj/uu9"
                              "RU1EI2Q86A4qmslPpUyknw=="),
    ("uuidv5", ["dns", "www.terraform.io"], "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    ("uuidv5", ["url", "https://example.com"], "4fd35a71-71ef-5a55-a9d9-aa75c889a6d0"),
    ("uuidv5", ["6ba7b810-9dad-11d1-80b4-00c04fd430c8", "x"],
     "05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
]

FILESYSTEM_PURE = [
    ("basename", ["/a/b/"], "b"),
    ("basename", [""], "."),
    ("basename", ["/"], "/"),
    ("basename", ["a"], "a"),
    ("dirname", ["a/b/c"], "a/b"),
    ("dirname", ["a"], "."),
    ("dirname", ["/a"], "/"),
    ("dirname", ["a/b/"], "a/b"),
    ("dirname", [""], "."),
    ("dirname", ["//a//b"], "/a"),
]

DATETIME = [
    ("formatdate", ["DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z"], "02 Jan 2018 23:12 UTC"),
    ("formatdate", ["EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z"],
     "Tuesday, 02-Jan-18 23:12:01 UTC"),
    ("formatdate", ["EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00"],
     "Tue, 02 Jan 2018 23:12:01 -0800"),
    ("formatdate", ["HH:mmaa", "2018-01-02T23:12:01Z"], "11:12pm"),
    ("formatdate", ["YYYY-MM-DD'T'hh:mm:ssZ", "2020-02-29T10:05:09+05:30"],
     "2020-02-29T10:05:09+05:30"),
    ("formatdate", ["ZZZZ ZZZZZ", "2021-07-04T00:07:08-00:00"], "+0000 +00:00"),
    ("formatdate", ["M/D/YY H:m:s AA EEEE MMMM 'it''s'", "2021-07-04T00:07:08Z"],
     "7/4/21 12:7:8 AM Sunday July it's"),
    ("timeadd", ["2017-11-22T00:00:00Z", "10m"], "2017-11-22T00:10:00Z"),
    ("timeadd", ["2017-11-22T00:00:00.5+01:00", "-1.5h"], "2017-11-21T22:30:00+01:00"),
    ("timeadd", ["2021-12-31T23:59:59Z", "1s"], "2022-01-01T00:00:00Z"),
    ("timeadd", ["2021-01-01T00:00:00Z", "1h30m15.5s"], "2021-01-01T01:30:15Z"),
    ("timeadd", ["2021-01-01T00:00:00Z", "0"], "2021-01-01T00:00:00Z"),
    ("timeadd", ["2021-01-01T00:00:00.999999999Z", "1ns"], "2021-01-01T00:00:01Z"),
    ("timecmp", ["2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00"], 0),
    ("timecmp", ["2021-01-01T00:00:00Z", "2020-12-31T23:00:00-02:00"], -1),
]


@pytest.mark.parametrize(("name", "args", "expected"),
                         STRINGS + FORMATS + COLLECTIONS + ENCODING + NUMERIC + IP_NETWORK
                         + TYPE_CONVERSION + HASHING + FILESYSTEM_PURE + DATETIME)
def test_known_arguments_give_terraforms_value(name: str, args: list[Any], expected: Any) -> None:
    result = call(name, args)
    assert not isinstance(result, Unknown), result
    assert plain(result) == expected
    # bool is an int in Python: a number must not come back as a bool, or the reverse
    assert type(plain(result)) is type(expected)


# --- Terraform's own errors: EvaluationError, what try() falls back from ------------------

ERRORS = [
    # the defect: a missing key without a default was merely unknown
    ("lookup", [node(a=1), "missing"], "the map has no key 'missing' and no default is given"),
    ("element", [[], 0], "cannot use element function with an empty list"),
    ("index", [["a"], "z"], "item not found"),
    ("coalesce", ["", None], "no non-null, non-empty-string arguments"),
    ("coalescelist", [[], []], "no non-null arguments"),
    ("concat", [[1], "a"], "every argument must be a list, set or tuple, not a string"),
    ("one", [["x", "y"]], "must be a list, set, or tuple value with either zero or one elements"),
    ("range", [1, 4, -1], "end must be on the far side of start in the step's direction"),
    ("range", [0, 1, 0], "step must not be zero"),
    ("slice", [[1, 2], 1, 3], "end index must not be greater than the length of the list"),
    ("sum", [[]], "cannot sum an empty list"),
    ("zipmap", [["a"], [1, 2]], "number of keys (1) does not match number of values (2)"),
    ("matchkeys", [["a"], [1, 2], [1]], "length of keys and values should be equal"),
    ("keys", [["a"]], "argument must be a map or object, not a list"),
    ("length", [None], "argument must not be null"),
    ("chunklist", [[1], -1], "the size argument must be positive"),
    ("upper", [None], "argument must not be null"),
    ("upper", [["a"]], "argument must be a string, not a list"),
    ("indent", [-1, "a"], "spaces must not be negative"),
    ("substr", ["hello", 1.5, 1], "offset must be a whole number"),
    ("regex", ["x", "abc"], "pattern did not match any part of the given string"),
    ("regex", ["a(?=b)", "ab"], "invalid regular expression: invalid or unsupported Perl syntax "
                                "(RE2 has no lookaround, backreference or atomic group)"),
    ("regex", ["(a)\\1", "aa"], "invalid regular expression: invalid escape sequence \\1"),
    ("regex", ["a++", "aa"], "invalid regular expression: missing argument to repetition "
                             "operator or invalid nested repetition operator"),
    ("regex", ["\\Z", "a"], "invalid regular expression: invalid escape sequence \\Z"),
    ("regex", ["a{1001}", "a"], "invalid regular expression: invalid repeat count"),
    ("regex", ["(?P<a>x)(y)", "xy"], "can't mix both named and unnamed capture groups"),
    ("replace", ["a", "/(/", "b"], "invalid regular expression: missing closing )"),
    ("format", ["%d", 1.5], "%d needs an integer"),
    ("format", ["%s", [1]], "argument must be a string, not a list"),
    ("format", ["%z", 1], "unsupported format verb %z"),
    ("format", ["%s %s", "a"], "not enough arguments for the format string"),
    ("format", ["%s", "a", "b"], "too many arguments; only 1 used by the format string"),
    ("format", ["%d", None], "%d cannot format a null value"),
    ("formatlist", ["%s=%s", ["a"], ["b", "c"]], "all list arguments must have the same length"),
    ("base64decode", ["aGVsbG8"], "the string is not valid base64 (standard alphabet, padded)"),
    ("base64decode", ["/w=="], "the decoded bytes are not valid UTF-8"),
    ("csvdecode", ["a,b\n1\n"], "record 2: wrong number of fields"),
    ("csvdecode", ['a\nb"c\n'], 'invalid CSV: bare " in non-quoted-field'),
    ("csvdecode", [""], "missing header line"),
    ("jsondecode", ["{bad"], "invalid JSON at line 1 column 2"),
    ("jsondecode", ["NaN"], "NaN is not valid JSON"),
    ("yamldecode", ["[1, 2"], "invalid YAML at line 2"),
    ("yamldecode", ["---\na: 1\n---\nb: 2\n"], "invalid YAML at line 3"),
    ("textencodebase64", ["€", "ISO-8859-1"],
     "the string has characters the encoding cannot represent"),
    ("max", [], "must pass at least one number"),
    ("min", ["a"], "argument must be a decimal representation of a number"),
    ("parseint", ["10", 1], "base must be a whole number between 2 and 62 inclusive"),
    ("parseint", ["1_000", 10], "cannot parse the string as a base 10 integer"),
    ("parseint", [10, 10], "the first argument must be a string"),
    ("pow", [-8, 1.0 / 3], "the result is not a number"),
    ("cidrsubnet", ["10.0.0.0", 8, 1], "invalid CIDR expression: the prefix length is missing"),
    ("cidrsubnet", ["10.0.0.0/16", 8, 256],
     "prefix extension of 8 does not accommodate a subnet numbered 256"),
    ("cidrhost", ["10.0.0.0/30", 4], "prefix of 30 does not accommodate a host numbered 4"),
    ("cidrhost", ["10.0.0.0/30", -5], "prefix of 30 does not accommodate a host numbered -5"),
    ("cidrnetmask", ["::/64"], "IPv6 addresses cannot have a netmask"),
    ("cidrsubnets", ["10.0.0.0/24", 1, 1, 1],
     "not enough remaining address space for a subnet with a prefix of 25 bits"),
    ("cidrsubnets", ["0.0.0.0/0", 1],
     "not enough remaining address space for a subnet with a prefix of 1 bits"),
    ("tostring", [[1]], "argument must be a string, not a list"),
    ("tobool", [1], 'argument must be a bool (or the string "true" or "false")'),
    ("tonumber", ["0x10"], "argument must be a decimal representation of a number"),
    ("tomap", [node(a=1, b=True)], "all elements must have the same type (numbers and bools mix)"),
    ("uuidv5", ["bogus", "x"], "namespace must be dns, url, oid, x500 or a UUID"),
    ("formatdate", ["Y", "2021-07-04T00:07:08Z"], "invalid date format verb 'Y'"),
    ("formatdate", ["'unterminated", "2021-07-04T00:07:08Z"], "unterminated literal '"),
    ("formatdate", ["DD", "2021-02-30T00:00:00Z"],
     "not a valid RFC 3339 timestamp: a field is out of range"),
    ("formatdate", ["DD", "2021-02-03 00:00:00Z"], "not a valid RFC 3339 timestamp"),
    ("timeadd", ["2021-01-01T00:00:00Z", "1d"], "invalid duration"),
    ("timecmp", ["x", "2021-01-01T00:00:00Z"], "not a valid RFC 3339 timestamp"),
]


@pytest.mark.parametrize(("name", "args", "reason"), ERRORS)
def test_arguments_terraform_rejects_are_evaluation_errors(name: str, args: list[Any],
                                                           reason: str) -> None:
    assert call(name, args) == EvaluationError(f"{name}(): {reason}")


@pytest.mark.parametrize(("name", "args", "reason"), [
    ("upper", [], "upper() takes 1 argument, got 0"),
    ("lookup", [node()], "lookup() takes 2 to 3 arguments, got 1"),
    ("setproduct", [["a"]], "setproduct() takes at least 2 arguments, got 1"),
    ("list", ["a"], "list() was removed in Terraform 0.12; use tolist([...])"),
    ("map", ["a", 1], "map() was removed in Terraform 0.12; use tomap({...})"),
])
def test_wrong_argument_count_and_removed_functions_are_errors(name: str, args: list[Any],
                                                               reason: str) -> None:
    assert call(name, args) == EvaluationError(reason)


def test_an_error_inside_an_argument_is_passed_on_for_try() -> None:
    failed = EvaluationError("attribute nope is not set")
    assert call("upper", [failed]) is failed
    assert call("length", [["a", failed]]) is failed
    assert call("concat", [["a"], [node(k=failed)]]) is failed


# --- unknown arguments -----------------------------------------------------------------

UNKNOWNS = [
    ("upper", [UNKNOWN], "upper() of an unknown value"),
    ("upper", [REF], "upper() of an unknown value"),
    ("upper", [Branches(("a", "b"), ("t", "f"))], "upper() of an unknown value"),
    ("regex", ["a", UNKNOWN], "regex() of an unknown value"),
    ("format", ["%5s", UNKNOWN], "format() of an unknown value"),
    ("join", [",", ["a", UNKNOWN]], "join() of an unknown value"),
    ("join", [",", ["a", REF]], "join() of an unknown value"),
    ("join", ["", [REF, REF]], "join() of an unknown value"),
    ("join", [UNKNOWN, ["a"]], "join() of an unknown value"),
    ("coalesce", [UNKNOWN, "z"], "coalesce() of an unknown value"),
    ("merge", [node(a=1), UNKNOWN], "merge() of an unknown value"),
    ("lookup", [UNKNOWN, "k", "none"], "lookup() of an unknown value"),
    ("lookup", [node(a=1), UNKNOWN, "none"], "lookup() of an unknown value"),
    ("contains", [["a", UNKNOWN], "b"], "contains() of an unknown value"),
    ("contains", [["a"], UNKNOWN], "contains() of an unknown value"),
    ("index", [[UNKNOWN, "b"], "b"], "index() of an unknown value"),
    ("anytrue", [[False, UNKNOWN]], "anytrue() of an unknown value"),
    ("length", [UNKNOWN], "length() of an unknown value"),
    ("sort", [["a", UNKNOWN]], "sort() of an unknown value"),
    ("toset", [["a", UNKNOWN]], "toset() of an unknown value"),
    ("setunion", [["a"], [REF]], "setunion() of an unknown value"),
    ("tostring", [UNKNOWN], "tostring() of an unknown value"),
    ("jsondecode", [PartialText("x", '{"a": ${unknown}}')], "jsondecode() of an unknown value"),
    ("yamlencode", [node(a=UNKNOWN)], "yamlencode() of an unknown value"),
    ("base64encode", [UNKNOWN], "base64encode() of an unknown value"),
    ("abs", [UNKNOWN], "abs() of an unknown value"),
    ("cidrsubnet", ["10.0.0.0/16", UNKNOWN, 1], "cidrsubnet() of an unknown value"),
    ("sha256", [REF], "sha256() of an unknown value"),
    ("formatdate", ["YYYY", UNKNOWN], "formatdate() of an unknown value"),
    ("basename", [UNKNOWN], "basename() of an unknown value"),
    ("templatestring", [UNKNOWN, node()], "templatestring() of an unknown value"),
]


def test_join_of_one_reference_is_that_reference() -> None:
    """`join("", google_compute_url_map.r[*].self_link)` over a single instance names that
    resource, so the relation it sets up still resolves (terraform-google-lb-http)."""
    assert call("join", ["", [REF]]) is REF
    assert call("join", [",", [REF]]) is REF
    assert call("join", ["", ["", REF], [""]]) is REF
    assert call("join", [",", ["", REF]]) == Unknown("join() of an unknown value")


@pytest.mark.parametrize(("name", "args", "reason"), UNKNOWNS)
def test_unknown_arguments_give_unknown_not_an_error(name: str, args: list[Any],
                                                     reason: str) -> None:
    assert call(name, args) == Unknown(reason)


@pytest.mark.parametrize(("name", "args", "expected"), [
    # the length of a list is known even when its elements are not
    ("length", [["a", UNKNOWN, REF]], 2 + 1),
    ("concat", [["a"], [UNKNOWN]], ["a", UNKNOWN]),
    ("flatten", [[["a", [UNKNOWN]], REF]], ["a", UNKNOWN, REF]),
    ("compact", [["a", "", UNKNOWN]], ["a", UNKNOWN]),
    ("element", [["a", UNKNOWN], 0], "a"),
    ("reverse", [[UNKNOWN, "a"]], ["a", UNKNOWN]),
    ("slice", [[UNKNOWN, "a", "b"], 1, 3], ["a", "b"]),
    ("chunklist", [[UNKNOWN, "a", "b"], 2], [[UNKNOWN, "a"], ["b"]]),
    ("coalesce", [None, "", "z", UNKNOWN], "z"),  # skips known nulls and empty strings
    ("coalesce", [None, REF], REF),  # the last candidate: its value or Terraform's error
    ("contains", [[UNKNOWN, "b"], "b"], True),  # found before the unknown matters
    ("anytrue", [[UNKNOWN, True]], True),
    ("alltrue", [[False, UNKNOWN]], False),
    ("lookup", [node(a="x", b=UNKNOWN), "a"], "x"),
    ("lookup", [node(a=UNKNOWN), "a"], UNKNOWN),
    ("lookup", [node(a="x"), "b", UNKNOWN], UNKNOWN),
    ("merge", [node(a=UNKNOWN), node(b=1)], {"a": UNKNOWN, "b": 1}),
    ("keys", [node(a=UNKNOWN)], ["a"]),
    ("values", [node(a=UNKNOWN)], [UNKNOWN]),
    ("zipmap", [["a"], [REF]], {"a": REF}),
    ("one", [[REF]], REF),
    ("tolist", [["a", UNKNOWN, 1]], ["a", UNKNOWN, "1"]),
    ("sensitive", [UNKNOWN], UNKNOWN),
    ("startswith", [PartialText("r", "arn:aws:kms:${unknown}"), "arn:aws:"], True),
    ("startswith", [PartialText("r", "arn:aws:kms:${unknown}"), "arn:aws-cn:"], False),
    # a plain %s of an unknown keeps the known text around it, like a template
    ("format", ["arn:aws:kms:%s:key/%s", UNKNOWN, REF],
     PartialText("format() of an unknown value",
                 "arn:aws:kms:${unknown}:key/${aws_kms_key.k.arn}")),
])
def test_functions_that_answer_despite_unknown_parts(name: str, args: list[Any],
                                                     expected: Any) -> None:
    assert plain(call(name, args)) == plain(expected)


def test_jsonencode_keeps_unknown_parts_as_placeholders() -> None:
    assert jsonencode(node(b=UNKNOWN, a=REF)) == PartialText(
        "jsonencode() of partly unknown values", '{"a":"${aws_kms_key.k.arn}","b":"${unknown}"}')
    assert call("jsonencode", [node(Effect="Deny", Resource=REF)]) == (
        '{"Effect":"Deny","Resource":"${aws_kms_key.k.arn}"}')


@pytest.mark.parametrize(("name", "reason"), [
    ("timestamp", "timestamp() is the time of the run"),
    ("plantimestamp", "plantimestamp() is the time of the plan"),
    ("uuid", "uuid() is random (a new value each run)"),
    ("bcrypt", "bcrypt() is random (a new salt each run)"),
    ("rsadecrypt", "rsadecrypt() needs a private key and is not evaluated"),
    ("abspath", "abspath() depends on the folder Terraform runs in"),
    ("pathexpand", "pathexpand() depends on the home folder of the machine"),
    ("type", "type() is only available in terraform console"),
    ("issensitive", "issensitive() needs sensitivity, which is not tracked"),
    ("base64gzip", "base64gzip() output depends on Go's compressor"),
    ("provider::aws::arn_parse", "provider function provider::aws::arn_parse() is not evaluated"),
    ("nosuchfunction", "function nosuchfunction() is not evaluated"),
])
def test_results_that_depend_on_the_run_are_unknown(name: str, reason: str) -> None:
    assert call(name, ["x"]) == Unknown(reason)


def test_core_namespace_names_the_same_functions() -> None:
    assert call("core::upper", ["kms"]) == "KMS"
    assert call("core::lookup", [node(), "k"]) == EvaluationError(
        "lookup(): the map has no key 'k' and no default is given")


@pytest.mark.parametrize(("name", "args", "reason"), [
    ("regex", ["\\p{Greek}", "α"], "Unicode classes (\\p) are not evaluated"),
    ("regex", ["(?U)a+", "aa"], "the U (ungreedy) flag is not evaluated"),
    ("textencodebase64", ["x", "Shift_JIS"], "encoding 'Shift_JIS' is not evaluated"),
    ("cidrhost", ["::ffff:10.0.0.0/104", 1], "IPv4-mapped IPv6 prefixes are not evaluated"),
])
def test_what_python_cannot_reproduce_is_unknown(name: str, args: list[Any], reason: str) -> None:
    assert call(name, args) == Unknown(f"{name}(): {reason}")


# --- functions never raise ---------------------------------------------------------------

ODD_ARGUMENTS: list[list[Any]] = [
    [], [None], [""], [0], [-1], [1.5], [True], [[]], [node()], [UNKNOWN], [REF],
    [["a", None]], [node(a=[1, node(b=None)])], ["%", "x"], ["/(/", "x", "y"],
    ["10.0.0.0/33", 1, 1], ["a", 10**40], [float("inf"), 2], ["x", "y", "z", "w"],
    [[1, [2, [3]]], "1"], ["\udcff"], [10**5000],
]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_no_function_raises_on_odd_arguments(name: str) -> None:
    for args in ODD_ARGUMENTS:
        call(name, list(args))  # must return a value or a marker, never raise


@pytest.mark.parametrize("name", sorted(CONTEXT_FUNCTIONS))
def test_no_file_function_raises_on_odd_arguments(name: str, tmp_path: Any) -> None:
    for args in ODD_ARGUMENTS:
        call(name, list(args), base_dir=str(tmp_path))


def test_an_unexpected_exception_becomes_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(args: list[Any]) -> Any:
        raise ValueError("boom")

    monkeypatch.setitem(hcl_functions.FUNCTIONS, "upper", broken)
    assert call("upper", ["x"]) == Unknown("upper() could not be evaluated: ValueError")


# --- limits: nothing allocates without bound ----------------------------------------------

@pytest.mark.parametrize(("name", "args", "reason"), [
    ("format", ["%999999999d", 1], "a width or precision exceeds the 10,485,760 limit"),
    ("format", ["%.999999999f", 1], "a width or precision exceeds the 10,485,760 limit"),
    ("indent", [10**7, "\n" * 10], "result would exceed the limit of 10,485,760 characters"),
    ("replace", ["x" * 1000, "x", "y" * 20000],
     "result would exceed the limit of 10,485,760 characters"),
    ("join", ["", ["x" * 10**6] * 11], "result would exceed the limit of 10,485,760 characters"),
    ("setproduct", [list(range(1000)), list(range(1000))],
     "result would exceed the limit of 100,000 combinations"),
    ("flatten", [[list(range(60_000)), list(range(60_000))]],
     "result would exceed the limit of 100,000 elements"),
    ("parseint", ["9" * 5000, 10], "number exceeds the 3,900-digit limit"),
    ("tonumber", ["9" * 5000], "number exceeds the 3,900-digit limit"),
    ("tostring", [10**5000], "number exceeds the 3,900-digit limit"),
    ("jsondecode", ["[" + "9" * 5000 + "]"], "a number in the JSON exceeds the 3,900-digit limit"),
    ("base64decode", ["A" * (MAX_BYTES * 4 // 3 + 8)], "input exceeds the 10,485,760-byte limit"),
    ("yamldecode", ["a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n"
        for i in range(8))], "decoded document exceeds the 200,000-node limit"),
    ("regex", ["(a+)+$", "a" * 40 + "!"],
     "input is over the backtracking limit for a pattern that repeats a repeating group "
     "(Python's engine backtracks, RE2 does not)"),
    ("regex", ["a*a*a*a*a*b", "a" * 500], "input is over the backtracking limit for this pattern"),
])
def test_limits_give_unknown_with_the_limit(name: str, args: list[Any], reason: str) -> None:
    started = time.monotonic()
    result = call(name, args)
    assert result == Unknown(f"{name}(): {reason}")
    assert not isinstance(result, EvaluationError)
    assert time.monotonic() - started < 5


def test_range_over_terraforms_own_limit_is_its_error() -> None:
    # Terraform refuses a range of more than 1,024 numbers; none is generated here either.
    assert call("range", [10**12]) == EvaluationError(
        "range(): more than 1024 values would be generated (Terraform's limit for range)")


def test_deep_nesting_is_flattened_without_recursion() -> None:
    nested: list[Any] = ["leaf"]
    for _ in range(100_000):
        nested = [nested]
    assert call("flatten", [nested]) == ["leaf"]
    assert call("length", [nested]) == 1


# --- the defects this library fixed (each failed before) ---------------------------------

def test_regression_lookup_of_a_missing_key_without_default_is_an_error() -> None:
    result = call("lookup", [node(team="phi"), "missing"])
    assert isinstance(result, EvaluationError)
    assert result.reason == "lookup(): the map has no key 'missing' and no default is given"


def test_regression_flatten_and_replace_are_evaluated() -> None:
    assert call("flatten", [[["a"], ["b", ["c"]]]]) == ["a", "b", "c"]
    assert call("replace", ["aws:kms", ":", "-"]) == "aws-kms"
    assert call("replace", ["TLSv1.2_2021", "/[^0-9]/", ""]) == "122021"


# --- filesystem ----------------------------------------------------------------------------

@pytest.fixture
def module_dir(tmp_path: Any) -> str:
    folder = tmp_path / "module"
    (folder / "policies" / "nested").mkdir(parents=True)
    (folder / "policies" / "a.json").write_text('{"Effect": "Deny"}\n')
    (folder / "policies" / "nested" / "b.json").write_text("{}")
    (folder / "policies" / "notes.txt").write_text("x")
    (folder / "binary.bin").write_bytes(b"\xff\xfe\x00")
    (folder / "user_data.tpl").write_text("bucket=${bucket}")
    (tmp_path / "secret.txt").write_text("outside")
    return str(folder)


def test_file_reads_inside_the_module_folder(module_dir: str) -> None:
    assert call("file", ["policies/a.json"], base_dir=module_dir) == '{"Effect": "Deny"}\n'
    assert call("file", ["./policies/a.json"], base_dir=module_dir) == '{"Effect": "Deny"}\n'
    absolute = os.path.join(module_dir, "policies", "a.json")
    assert call("file", [absolute], base_dir=module_dir) == '{"Effect": "Deny"}\n'
    assert call("fileexists", ["policies/a.json"], base_dir=module_dir) is True
    assert call("fileexists", ["policies/none.json"], base_dir=module_dir) is False
    assert call("filebase64", ["binary.bin"], base_dir=module_dir) == "//4A"
    assert call("filemd5", ["policies/nested/b.json"], base_dir=module_dir) == (
        "99914b932bd37a50b983c5e7c90ae93b")
    assert call("filesha256", ["policies/nested/b.json"], base_dir=module_dir) == (
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    assert call("filebase64sha256", ["policies/nested/b.json"], base_dir=module_dir) == (
        "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=")


def test_fileset_matches_doublestar_patterns_sorted(module_dir: str) -> None:
    assert call("fileset", [module_dir, "policies/**/*.json"], base_dir=module_dir) == [
        "policies/a.json", "policies/nested/b.json"]
    assert call("fileset", ["policies", "*.{json,txt}"], base_dir=module_dir) == [
        "a.json", "notes.txt"]
    assert call("fileset", ["policies", "**"], base_dir=module_dir) == [
        "a.json", "nested/b.json", "notes.txt"]
    assert call("fileset", ["missing", "*"], base_dir=module_dir) == []


@pytest.mark.parametrize(("name", "args", "expected"), [
    ("file", ["policies/none.json"],
     EvaluationError("file(): no file exists at 'policies/none.json'")),
    ("file", ["policies"], EvaluationError("file(): 'policies' is a directory, not a file")),
    ("fileexists", ["policies"],
     EvaluationError("fileexists(): 'policies' is a directory, not a file")),
    ("file", ["../secret.txt"],
     Unknown("file(): path '../secret.txt' leaves the scanned module folder and is not read")),
    ("file", ["/etc/passwd"],
     Unknown("file(): path '/etc/passwd' leaves the scanned module folder and is not read")),
    ("filemd5", ["/etc/passwd"],
     Unknown("filemd5(): path '/etc/passwd' leaves the scanned module folder and is not read")),
    ("fileexists", ["../secret.txt"], Unknown(
        "fileexists(): path '../secret.txt' leaves the scanned module folder and is not read")),
    ("fileset", ["..", "*"],
     Unknown("fileset(): path '..' leaves the scanned module folder and is not read")),
    ("file", ["~/.aws/credentials"],
     Unknown("file(): paths under the home folder (~) are not read")),
    ("file", ["binary.bin"], Unknown("file(): 'binary.bin' is not UTF-8 text")),
    ("file", [UNKNOWN], Unknown("file() of an unknown value")),
])
def test_file_functions_refuse_what_they_must_not_read(module_dir: str, name: str,
                                                       args: list[Any], expected: Any) -> None:
    assert call(name, args, base_dir=module_dir) == expected


def test_a_symlink_out_of_the_module_folder_is_not_followed(module_dir: str) -> None:
    os.symlink(os.path.join(module_dir, "..", "secret.txt"), os.path.join(module_dir, "link"))
    assert call("file", ["link"], base_dir=module_dir) == Unknown(
        "file(): path 'link' leaves the scanned module folder and is not read")
    assert call("fileset", [".", "*"], base_dir=module_dir) == Unknown(
        "fileset(): a matched file leaves the scanned module folder")


def test_oversized_and_special_files_are_not_read(module_dir: str) -> None:
    with open(os.path.join(module_dir, "big.bin"), "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no 10 MB written to disk
    assert call("filesha256", ["big.bin"], base_dir=module_dir) == Unknown(
        "filesha256(): 'big.bin' exceeds the 10,485,760-byte file limit")
    os.mkfifo(os.path.join(module_dir, "pipe"))
    assert call("file", ["pipe"], base_dir=module_dir) == Unknown(
        "file(): 'pipe' is not a regular file and is not read")


def test_file_functions_need_the_module_folder() -> None:
    assert call("file", ["a.txt"]) == Unknown(
        "file(): file paths are not evaluated without the module folder")


def test_templatefile_renders_with_the_evaluators_renderer(module_dir: str) -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def render(text: str, variables: dict[str, Any]) -> Any:
        seen.append((text, variables))
        return text.replace("${bucket}", str(variables["bucket"]))

    assert call("templatefile", ["user_data.tpl", node(bucket="phi")], base_dir=module_dir,
                render_template=render) == "bucket=phi"
    assert seen == [("bucket=${bucket}", {"bucket": "phi"})]
    # the variables may be partly unknown: the renderer decides what that makes
    call("templatefile", ["user_data.tpl", node(bucket=REF)], base_dir=module_dir,
         render_template=render)
    assert seen[-1] == ("bucket=${bucket}", {"bucket": REF})
    assert call("templatefile", ["user_data.tpl", node(bucket="phi")], base_dir=module_dir) == (
        Unknown("templatefile() needs the evaluator's template renderer"))
    assert call("templatefile", ["user_data.tpl", node(**{"bad name": 1})], base_dir=module_dir,
                render_template=render) == EvaluationError(
        "templatefile(): invalid template variable name 'bad name'")


@pytest.mark.parametrize(("args", "expected"), [
    (["Hello, ${name}! $${literal} %%{x}", node(name="phi")], "Hello, phi! ${literal} %{x}"),
    (["no interpolation", node()], "no interpolation"),
    (["${upper(name)}", node(name="x")], Unknown(
        "templatestring(): the template uses expressions or directives, which need the "
        "evaluator's renderer")),
    (["${name}", node()],
     EvaluationError("templatestring(): vars map does not contain key 'name'")),
    (["${name}", node(name=REF)],
     Unknown("templatestring(): the template interpolates an unknown value")),
])
def test_templatestring_renders_simple_templates(args: list[Any], expected: Any) -> None:
    assert call("templatestring", args) == expected


def test_base64_round_trip_of_a_file_matches_the_standard_library(module_dir: str) -> None:
    encoded = call("filebase64", ["policies/a.json"], base_dir=module_dir)
    assert base64.b64decode(encoded) == b'{"Effect": "Deny"}\n'
