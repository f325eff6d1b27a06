"""Parsers keep every attribute's line and turn sources into exact, safe data.

Covers linter/parsers/terraform.py (HCL, .tf.json, .tfvars), hcl_expressions.py (the
expression tree), yaml_source.py (YAML/JSON with line marks, CloudFormation short tags,
no object construction) and documents.py (which documents are CloudFormation or
Kubernetes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.parsers import hcl_expressions as hx
from linter.parsers.documents import parse_documents
from linter.parsers.terraform import (
    HclBlock,
    TerraformSyntaxError,
    parse_hcl,
    parse_json,
    parse_variables_file,
)
from linter.parsers.yaml_source import DocumentError, MarkedList, load_documents
from linter.values import ConfigNode

# --- helpers --------------------------------------------------------------------------


def _lines(block: HclBlock) -> dict[str, int]:
    return {name: attribute.line for name, attribute in block.attributes.items()}


def _expr(source: str) -> hx.Expr:
    """The expression of `x = <source>` inside a locals block (on line 2)."""
    block = parse_hcl(f"locals {{\n  x = {source}\n}}\n", "main.tf").blocks[0]
    return block.attributes["x"].expression


def _var(name: str, line: int = 2) -> hx.GetAttr:
    return hx.GetAttr(line, hx.Variable(line, "var"), name)


def _marks(value: Any) -> Any:
    """A YAML/JSON value with its line marks, as plain tuples for exact comparison."""
    if isinstance(value, ConfigNode):
        return ("node", value.line,
                {key: (value.line_of(key), _marks(item)) for key, item in value.items()})
    if isinstance(value, MarkedList):
        return ("list", value.line, [(line, _marks(item)) for item, line in
                                     zip(value, value.lines)])
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, ConfigNode):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


# --- HCL: lines ---------------------------------------------------------------------

NESTED = '''# leading comment
resource "aws_s3_bucket" "phi" {
  bucket = "phi-data" // trailing comment
  /* a block
     comment */
  acl = "private"
  lifecycle_rule {
    id = "archive"
    transition {
      days = 30
      noncurrent {
        deep = true
      }
    }
  }
  tags = {
    Name = "phi"
    Env  = "prod"
  }
  list = [
    1,
    2,
  ]
  # after = "commented out"
  after = "z"
}
'''


def test_top_level_block_labels_and_lines() -> None:
    [block] = parse_hcl(NESTED, "main.tf").blocks
    assert (block.type, block.labels, block.line, block.end_line) == (
        "resource", ["aws_s3_bucket", "phi"], 2, 26)
    assert _lines(block) == {"bucket": 3, "acl": 6, "tags": 16, "list": 20, "after": 25}


def test_nested_blocks_three_levels_keep_lines() -> None:
    [block] = parse_hcl(NESTED, "main.tf").blocks
    [rule] = block.blocks_of("lifecycle_rule")
    [transition] = rule.blocks_of("transition")
    [noncurrent] = transition.blocks_of("noncurrent")
    assert (rule.line, rule.end_line, _lines(rule)) == (7, 15, {"id": 8})
    assert (transition.line, transition.end_line, _lines(transition)) == (9, 14, {"days": 10})
    assert (noncurrent.line, noncurrent.end_line, _lines(noncurrent)) == (11, 13, {"deep": 12})
    assert noncurrent.attributes["deep"].expression == hx.Literal(12, True)


def test_multiline_object_and_list_items_keep_their_lines() -> None:
    [block] = parse_hcl(NESTED, "main.tf").blocks
    assert block.attributes["tags"].expression == hx.ObjectExpr(16, (
        (hx.Variable(17, "Name"), hx.Literal(17, "phi")),
        (hx.Variable(18, "Env"), hx.Literal(18, "prod")),
    ))
    assert block.attributes["list"].expression == hx.TupleExpr(20, (
        hx.Literal(21, 1), hx.Literal(22, 2)))


def test_nested_objects_inside_an_attribute() -> None:
    source = ('locals {\n  x = {\n    a = {\n      b = [\n        1,\n        "two",\n'
              '      ]\n    }\n    c = 3\n  }\n}\n')
    expression = parse_hcl(source, "main.tf").blocks[0].attributes["x"].expression
    assert expression == hx.ObjectExpr(2, (
        (hx.Variable(3, "a"), hx.ObjectExpr(3, (
            (hx.Variable(4, "b"), hx.TupleExpr(4, (hx.Literal(5, 1), hx.Literal(6, "two")))),
        ))),
        (hx.Variable(9, "c"), hx.Literal(9, 3)),
    ))


def test_comments_everywhere_do_not_shift_lines() -> None:
    source = ('/* header\n * more\n */\n\nresource "a" "b" { # open\n  /* x */ x = 1\n'
              '  # y = 2\n  y = [ // list\n    1, # one\n    /* two */ 2,\n  ]\n'
              '  z = 3 /* tail */\n}')
    [block] = parse_hcl(source, "main.tf").blocks
    assert (block.line, block.end_line) == (5, 13)
    assert _lines(block) == {"x": 6, "y": 8, "z": 12}
    assert block.attributes["y"].expression == hx.TupleExpr(8, (
        hx.Literal(9, 1), hx.Literal(10, 2)))


def test_crlf_line_endings() -> None:
    source = ('locals {\r\n  a = "x"\r\n\r\n  b = 2\r\n  h = <<EOF\r\nhello\r\nEOF\r\n'
              '  c = 3\r\n}\r\n')
    [block] = parse_hcl(source, "main.tf").blocks
    assert _lines(block) == {"a": 2, "b": 4, "h": 5, "c": 8}
    assert block.attributes["a"].expression == hx.Literal(2, "x")
    assert block.attributes["c"].expression == hx.Literal(8, 3)


def test_file_without_trailing_newline() -> None:
    [block] = parse_hcl('locals {\n  a = 1\n  b = "x"\n}', "main.tf").blocks
    assert _lines(block) == {"a": 2, "b": 3}
    assert (block.line, block.end_line) == (1, 4)


def test_attribute_after_heredoc_keeps_its_line() -> None:
    source = 'locals {\n  x = <<EOF\n  not # a comment\nEOF\n  z = 1\n}'
    [block] = parse_hcl(source, "main.tf").blocks
    assert _lines(block) == {"x": 2, "z": 5}
    assert block.attributes["x"].expression == hx.Literal(2, "  not # a comment\n")


def test_several_top_level_blocks_and_unquoted_labels() -> None:
    source = ('module "m" {\n  source = "./x"\n}\nterraform {\n  required_version = ">= 1"\n}\n'
              'resource a b {\n}\nresource "c" "d" {}\n')
    blocks = parse_hcl(source, "main.tf").blocks
    assert [(b.type, b.labels, b.line, b.end_line, _lines(b)) for b in blocks] == [
        ("module", ["m"], 1, 3, {"source": 2}),
        ("terraform", [], 4, 6, {"required_version": 5}),
        ("resource", ["a", "b"], 7, 8, {}),
        ("resource", ["c", "d"], 9, 9, {}),
    ]


def test_syntax_error_reports_position_but_not_the_text() -> None:
    with pytest.raises(TerraformSyntaxError) as caught:
        parse_hcl('resource "a" "b" {\n  secret = "hunter2\n}\n', "main.tf")
    assert "line 2" in str(caught.value)
    assert "hunter2" not in str(caught.value)


# --- HCL: heredocs ------------------------------------------------------------------


def test_heredoc_plain() -> None:
    assert _expr('<<EOF\n{"a": 1}\n  b\nEOF') == hx.Literal(2, '{"a": 1}\n  b\n')


def test_heredoc_trimmed_removes_common_indent() -> None:
    assert _expr("<<-EOT\n    line1\n      line2\n    EOT") == hx.Literal(2, "line1\n  line2\n")


def test_heredoc_empty() -> None:
    assert _expr("<<EOF\nEOF") == hx.Literal(2, "")


def test_heredoc_keeps_backslashes_raw() -> None:
    assert _expr('<<EOF\na\\nb "q"\nEOF') == hx.Literal(2, 'a\\nb "q"\n')


def test_heredoc_with_interpolation_and_escaped_interpolation() -> None:
    assert _expr("<<EOF\narn:${var.x}:$${literal}\nEOF") == hx.Template(
        2, ("arn:", _var("x"), ":${literal}\n"))


def test_trimmed_heredoc_with_interpolation() -> None:
    assert _expr("<<-EOF\n    a ${var.b}\n      c\n    EOF") == hx.Template(
        2, ("a ", _var("b"), "\n  c\n"))


def test_heredoc_interpolation_with_brace_inside_a_string() -> None:
    expression = _expr('<<EOF\n${jsonencode({a = "}"})}\nEOF')
    assert expression == hx.Template(2, (
        hx.Call(2, "jsonencode", (hx.ObjectExpr(2, (
            (hx.Variable(2, "a"), hx.Literal(2, "}")),)),)),
        "\n"))


def test_heredoc_directive_is_a_template_for() -> None:
    assert _expr("<<EOF\n%{ for a in b }x%{ endfor }\nEOF") == hx.Template(2, (
        hx.TemplateFor(2, None, "a", hx.Variable(2, "b"), hx.Literal(2, "x")), "\n"))


def test_heredoc_escaped_directive_is_unescaped() -> None:
    assert _expr("<<EOF\n$${x} and %%{y}\nEOF") == hx.Literal(2, "${x} and %{y}\n")


# --- HCL: expression trees ----------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("42", hx.Literal(2, 42)),
    ("1.5", hx.Literal(2, 1.5)),
    ("true", hx.Literal(2, True)),
    ("false", hx.Literal(2, False)),
    ("null", hx.Literal(2, None)),
    ('"plain"', hx.Literal(2, "plain")),
    ('""', hx.Literal(2, "")),
    ("(7)", hx.Literal(2, 7)),
])
def test_literal_types(source: str, expected: hx.Expr) -> None:
    assert _expr(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ('"a\\"b\\nc\\u00e9"', 'a"b\ncé'),
    ('"a\\tb\\rc"', "a\tb\rc"),
    ('"\\\\"', "\\"),
    ('"a\\\\nb"', "a\\nb"),
    ('"\\U0001F600"', "\U0001F600"),
    ('"$${x}"', "${x}"),
    ('"%%{x}"', "%{x}"),
])
def test_string_escapes(source: str, expected: str) -> None:
    assert _expr(source) == hx.Literal(2, expected)


def test_template_with_interpolation() -> None:
    assert _expr('"pre-${var.a}-post"') == hx.Template(2, ("pre-", _var("a"), "-post"))


def test_lone_interpolation_is_the_expression_itself() -> None:
    assert _expr('"${var.a}"') == _var("a")


def test_adjacent_interpolations() -> None:
    assert _expr('"${a}${b}"') == hx.Template(2, (hx.Variable(2, "a"), hx.Variable(2, "b")))


def test_string_directive_is_a_template_if() -> None:
    assert _expr('"%{ if x }a%{ endif }"') == hx.TemplateIf(
        2, hx.Variable(2, "x"), hx.Literal(2, "a"), hx.Literal(2, ""))


def test_traversal_with_index() -> None:
    assert _expr("a.b[0].c") == hx.GetAttr(2, hx.Index(
        2, hx.GetAttr(2, hx.Variable(2, "a"), "b"), hx.Literal(2, 0)), "c")


def test_legacy_dot_index_and_expression_index() -> None:
    assert _expr("a.b.0") == hx.Index(2, hx.GetAttr(2, hx.Variable(2, "a"), "b"),
                                      hx.Literal(2, 0))
    assert _expr("a[var.k]") == hx.Index(2, hx.Variable(2, "a"), _var("k"))


def test_function_calls() -> None:
    assert _expr('f(1, "x")') == hx.Call(2, "f", (hx.Literal(2, 1), hx.Literal(2, "x")), False)
    assert _expr("f()") == hx.Call(2, "f", (), False)
    assert _expr("concat(a, b...)") == hx.Call(
        2, "concat", (hx.Variable(2, "a"), hx.Variable(2, "b")), True)
    assert _expr('provider::aws::arn_parse("x")') == hx.Call(
        2, "provider::aws::arn_parse", (hx.Literal(2, "x"),), False)


def test_conditional() -> None:
    assert _expr("var.a ? 1 : 2") == hx.Conditional(
        2, _var("a"), hx.Literal(2, 1), hx.Literal(2, 2))


def test_binary_operators_respect_precedence() -> None:
    assert _expr("1 + 2 * 3") == hx.BinaryOp(2, "+", hx.Literal(2, 1), hx.BinaryOp(
        2, "*", hx.Literal(2, 2), hx.Literal(2, 3)))
    assert _expr("a && b || c") == hx.BinaryOp(2, "||", hx.BinaryOp(
        2, "&&", hx.Variable(2, "a"), hx.Variable(2, "b")), hx.Variable(2, "c"))
    assert _expr("x >= 1") == hx.BinaryOp(2, ">=", hx.Variable(2, "x"), hx.Literal(2, 1))


def test_unary_operators() -> None:
    assert _expr("!var.x") == hx.UnaryOp(2, "!", _var("x"))
    assert _expr("-5") == hx.UnaryOp(2, "-", hx.Literal(2, 5))


def test_object_keys_identifier_quoted_and_parenthesised() -> None:
    assert _expr('{ a = 1, "b" = 2, (var.k) = 3 }') == hx.ObjectExpr(2, (
        (hx.Variable(2, "a"), hx.Literal(2, 1)),
        (hx.Literal(2, "b"), hx.Literal(2, 2)),
        (_var("k"), hx.Literal(2, 3)),
    ))


@pytest.mark.parametrize(("source", "expected"), [
    ("[for x in y : x]", hx.ForExpr(2, None, "x", hx.Variable(2, "y"), None,
                                    hx.Variable(2, "x"), None)),
    ("{for k, v in m : k => v... if v}", hx.ForExpr(
        2, "k", "v", hx.Variable(2, "m"), hx.Variable(2, "k"), hx.Variable(2, "v"),
        hx.Variable(2, "v"), grouping=True)),
    ("a[*].b", hx.Splat(2, hx.Variable(2, "a"), ("b",))),
    # the legacy splat applies an index after its attributes to the resulting list
    ("a.*.b[0]", hx.Index(2, hx.Splat(2, hx.Variable(2, "a"), ("b",)), hx.Literal(2, 0))),
])
def test_for_expressions_and_splats(source: str, expected: hx.Expr) -> None:
    assert _expr(source) == expected


# --- .tfvars ------------------------------------------------------------------------


def test_variables_file_top_level_attributes() -> None:
    attributes = parse_variables_file('a = 1\n# c\nb = "x"\nc = {\n  k = var.z\n}', "t.tfvars")
    assert {name: (a.line, a.expression) for name, a in attributes.items()} == {
        "a": (1, hx.Literal(1, 1)),
        "b": (3, hx.Literal(3, "x")),
        "c": (4, hx.ObjectExpr(4, ((hx.Variable(5, "k"), _var("z", 5)),))),
    }


def test_variables_file_syntax_error() -> None:
    with pytest.raises(TerraformSyntaxError):
        parse_variables_file("a = \n", "t.tfvars")


# --- .tf.json -----------------------------------------------------------------------

TF_JSON = '''{
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "bucket": "phi-logs",
        "tags": {"Name": "${var.name}-logs", "Raw": "${var.x}"},
        "list": [
          "a",
          "${local.b}"
        ],
        "escaped": "$${not}",
        "count": 2,
        "quote": "say \\"${var.q}\\""
      }
    }
  },
  "variable": {"name": {"default": "x"}},
  "locals": {"b": "y"},
  "data": {"aws_kms_key": {"k": {"key_id": "alias/x"}}},
  "module": {"m": {"source": "./m"}},
  "output": {"o": {"value": "${aws_s3_bucket.logs.arn}"}},
  "provider": {"aws": [{"region": "us-east-1"}, {"alias": "w", "region": "us-west-2"}]},
  "unknown_top": {"x": 1}
}'''


def test_tf_json_blocks_labels_and_lines() -> None:
    blocks = parse_json(TF_JSON, "main.tf.json").blocks
    assert [(b.type, b.labels, b.line, b.end_line) for b in blocks] == [
        ("resource", ["aws_s3_bucket", "logs"], 4, 14),
        ("variable", ["name"], 17, 17),
        ("locals", [], 18, 18),
        ("data", ["aws_kms_key", "k"], 19, 19),
        ("module", ["m"], 20, 20),
        ("output", ["o"], 21, 21),
        ("provider", ["aws"], 22, 22),
        ("provider", ["aws"], 22, 22),
    ]
    assert _lines(blocks[0]) == {"bucket": 5, "tags": 6, "list": 7, "escaped": 11,
                                 "count": 12, "quote": 13}
    assert _lines(blocks[7]) == {"alias": 22, "region": 22}


def test_tf_json_strings_become_expressions() -> None:
    logs = parse_json(TF_JSON, "main.tf.json").blocks[0].attributes
    assert logs["bucket"].expression == hx.Literal(5, "phi-logs")
    assert logs["count"].expression == hx.Literal(12, 2)
    assert logs["escaped"].expression == hx.Literal(11, "${not}")
    assert logs["tags"].expression == hx.ObjectExpr(6, (
        (hx.Literal(6, "Name"), hx.Template(6, (_var("name", 6), "-logs"))),
        (hx.Literal(6, "Raw"), _var("x", 6)),
    ))
    assert logs["list"].expression == hx.TupleExpr(7, (
        hx.Literal(8, "a"), hx.GetAttr(9, hx.Variable(9, "local"), "b")))
    assert logs["quote"].expression == hx.Template(13, ('say "', _var("q", 13), '"'))


def test_tf_json_output_reference() -> None:
    output = parse_json(TF_JSON, "main.tf.json").blocks[5]
    assert output.attributes["value"].expression == hx.GetAttr(21, hx.GetAttr(
        21, hx.Variable(21, "aws_s3_bucket"), "logs"), "arn")


@pytest.mark.parametrize(("value", "expected"), [
    (r'"${var.a}\tb"', hx.Template(1, (_var("a", 1), "\tb"))),
    (r'"${var.a}\\nb"', hx.Template(1, (_var("a", 1), "\\nb"))),
    (r'"\u00e9${var.a}"', hx.Template(1, ("é", _var("a", 1)))),
    ('"${var.a"', hx.Opaque(1, "unparsable expression")),
])
def test_tf_json_string_escapes_survive_reparsing(value: str, expected: hx.Expr) -> None:
    [block] = parse_json('{"locals": {"v": ' + value + "}}", "main.tf.json").blocks
    assert block.attributes["v"].expression == expected


@pytest.mark.parametrize("text", ["[1]", '{"a": 1}\n---\n{}', "", "{"])
def test_tf_json_must_be_one_object(text: str) -> None:
    with pytest.raises(TerraformSyntaxError):
        parse_json(text, "main.tf.json")


# --- YAML: line marks ---------------------------------------------------------------


def test_yaml_line_marks_on_keys_and_list_items() -> None:
    [document] = load_documents("a: 1\nb:\n  - x\n  - k: v\n    j: w\nc:\n  d: true\n")
    assert _marks(document) == ("node", 1, {
        "a": (1, 1),
        "b": (2, ("list", 3, [(3, "x"), (4, ("node", 4, {"k": (4, "v"), "j": (5, "w")}))])),
        "c": (6, ("node", 7, {"d": (7, True)})),
    })


def test_yaml_crlf_and_block_scalars() -> None:
    [document] = load_documents("a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: |\r\n  t\r\nd: >\r\n  u\r\n"
                                "  v\r\n")
    assert _marks(document) == ("node", 1, {
        "a": (1, 1), "b": (2, ("list", 3, [(3, "x"), (4, "y")])), "c": (5, "t\n"),
        "d": (7, "u v\n")})


def test_json_with_tabs_keeps_lines() -> None:
    [document] = load_documents('{\n\t"a": 1,\n\t"b": [\n\t\t2\n\t]\n}', json_mode=True)
    assert _marks(document) == ("node", 1, {"a": (2, 1), "b": (3, ("list", 3, [(4, 2)]))})


def test_yaml_block_mapping_end_line_is_its_last_line() -> None:
    [document] = load_documents("Resources:\n  A:\n    Type: X\n\n  # next\n  B:\n    Type: Y\n")
    assert document.get("Resources").get("A").end_line == 3


# --- YAML: CloudFormation short tags ------------------------------------------------

CFN_SHORT = '''Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      A: !Ref Name
      B: !GetAtt Db.Endpoint.Address
      C: !GetAtt [Db, Endpoint.Port]
      D: !Sub "arn:${AWS::Partition}:s3:::${Name}"
      E: !Sub
        - "${X}-x"
        - X: !Ref Name
      F: !If [IsProd, "a", !Ref "AWS::NoValue"]
      G: !Equals [!Ref Env, prod]
      H: !Condition IsProd
      I: !Base64 "hello"
      J: !Not [!Condition IsProd]
      K: !FindInMap [M, !Ref "AWS::Region", Ami]
      L: !Select [0, !GetAZs ""]
      M: !ImportValue other
      N: !Join [":", [a, b]]
'''


def _short_tag_properties() -> ConfigNode:
    [document] = load_documents(CFN_SHORT)
    return document.get("Resources").get("Bucket").get("Properties")


def test_short_tags_become_long_forms() -> None:
    assert _plain(_short_tag_properties()) == {
        "A": {"Ref": "Name"},
        "B": {"Fn::GetAtt": ["Db", "Endpoint.Address"]},
        "C": {"Fn::GetAtt": ["Db", "Endpoint.Port"]},
        "D": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Name}"},
        "E": {"Fn::Sub": ["${X}-x", {"X": {"Ref": "Name"}}]},
        "F": {"Fn::If": ["IsProd", "a", {"Ref": "AWS::NoValue"}]},
        "G": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "H": {"Condition": "IsProd"},
        "I": {"Fn::Base64": "hello"},
        "J": {"Fn::Not": [{"Condition": "IsProd"}]},
        "K": {"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Ami"]},
        "L": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "M": {"Fn::ImportValue": "other"},
        "N": {"Fn::Join": [":", ["a", "b"]]},
    }


def test_short_tags_keep_line_marks() -> None:
    properties = _short_tag_properties()
    assert _marks(properties.get("B")) == ("node", 6, {
        "Fn::GetAtt": (6, ("list", 6, [(6, "Db"), (6, "Endpoint.Address")]))})
    assert _marks(properties.get("E")) == ("node", 9, {"Fn::Sub": (9, ("list", 9, [
        (10, "${X}-x"),
        (11, ("node", 11, {"X": (11, ("node", 11, {"Ref": (11, "Name")}))})),
    ]))})
    assert properties.line_of("N") == 20


def test_unknown_local_tag_becomes_plain_data() -> None:
    [document] = load_documents("x: !Custom {a: 1}\n")
    assert _plain(document) == {"x": {"Fn::Custom": {"a": 1}}}


# --- YAML: merge keys, scalars ------------------------------------------------------


def test_merge_keys() -> None:
    source = ("base: &base\n  a: 1\n  b: 2\nchild:\n  <<: *base\n  b: 3\n"
              "before:\n  b: 4\n  <<: *base\nmulti:\n  <<: [*base, {b: 9, c: 4}]\n")
    [document] = load_documents(source)
    assert _plain(document) == {
        "base": {"a": 1, "b": 2},
        "child": {"a": 1, "b": 3},
        "before": {"b": 4, "a": 1},
        "multi": {"a": 1, "b": 2, "c": 4},
    }
    assert document.get("child").lines == {"a": 2, "b": 6}


@pytest.mark.parametrize(("text", "expected"), [
    ("yes", True), ("no", False), ("on", True), ("off", False), ("Yes", True), ("NO", False),
    ("true", True), ("False", False), ("y", "y"), ("n", "n"),
    ("0755", 493), ("0x1F", 31), ("1_000", 1000), ("-3", -3), ("1.5", 1.5),
    ('"yes"', "yes"), ("'0755'", "0755"), ('"123"', "123"), ("'true'", "true"),
    ("2024-01-01", "2024-01-01"), ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("~", None), ("null", None), ("", None), ("1:30", "1:30"),
    ("!!str 123", "123"), ("!!binary aGVsbG8=", "aGVsbG8="), ("!!timestamp 2024-01-01",
                                                              "2024-01-01"),
    ("!!float 1", 1.0), ("!!bool yes", True),
])
def test_yaml_scalars(text: str, expected: Any) -> None:
    [document] = load_documents(f"v: {text}\n")
    value = document.get("v")
    assert (type(value), value) == (type(expected), expected)


def test_yaml_1_1_boolean_keys_keep_their_text() -> None:
    [document] = load_documents("on: 1\nyes: 2\n")
    assert (_plain(document), document.lines) == ({"on": 1, "yes": 2}, {"on": 1, "yes": 2})


# --- YAML: nothing is constructed from a tag ----------------------------------------


@pytest.mark.parametrize("template", [
    'x: !!python/object/apply:os.system ["touch {marker}"]\n',
    '!!python/object/apply:os.system ["touch {marker}"]\n',
    'x: !!python/object/new:os.system ["touch {marker}"]\n',
    'x: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]\n',
    'x: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]\n',
])
def test_python_tags_never_execute(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "pwned"
    text = template.replace("{marker}", str(marker))
    try:
        documents = load_documents(text)
    except DocumentError:
        documents = None
    assert not marker.exists()
    if documents is not None:
        plain = _plain(documents[0])
        payload = plain["x"] if isinstance(plain, dict) else plain
        assert payload in ([f"touch {marker}"], [["touch", str(marker)]])


def test_python_name_tag_is_plain_text() -> None:
    [document] = load_documents("x: !!python/name:os.system\n")
    assert _plain(document) == {"x": ""}


@pytest.mark.parametrize(("text", "message"), [
    ("a: [1\n", "invalid YAML: line 2, column 1: did not find expected ',' or ']'"),
    ("a: *x\n", "invalid YAML: line 1, column 4: found undefined alias"),
    ("a: &x [*x]\n", "recursive alias at line 1"),
    ("{a: 1}: 2\n", "complex mapping key at line 1"),
])
def test_yaml_errors(text: str, message: str) -> None:
    with pytest.raises(DocumentError) as caught:
        load_documents(text)
    assert str(caught.value) == message


# --- documents: what is CloudFormation, what is Kubernetes ---------------------------

STREAM = '''apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: a}
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: b}
  - notk8s: 1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
---
# empty
---
AWSTemplateFormatVersion: "2010-09-09"
Description: no resources
---
Resources:
  B:
    Type: AWS::S3::Bucket
---
Resources:
  B:
    Type: OS::Nova::Server
---
- a
- b
---
just a string
'''


def test_multi_document_stream_is_sorted() -> None:
    parsed = parse_documents(STREAM, json_mode=False)
    assert [(o.document_index, o.body.get("kind"), o.body.get("metadata").get("name"),
             o.body.line) for o in parsed.kubernetes] == [
        (0, "Service", "a", 4), (0, "ConfigMap", "b", 7), (1, "Deployment", "d", 12)]
    assert [(c.line, c.keys()) for c in parsed.cloudformation] == [
        (19, ["AWSTemplateFormatVersion", "Description"]), (22, ["Resources"])]
    assert parsed.recognised is True


def test_kubernetes_json_and_typed_list() -> None:
    parsed = parse_documents('{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}',
                             json_mode=True)
    assert [(o.document_index, _plain(o.body)) for o in parsed.kubernetes] == [
        (0, {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}})]
    parsed = parse_documents("apiVersion: v1\nkind: ServiceList\nitems:\n- apiVersion: v1\n"
                             "  kind: Service\n", json_mode=False)
    assert [(o.body.line, _plain(o.body)) for o in parsed.kubernetes] == [
        (4, {"apiVersion": "v1", "kind": "Service"})]


def test_empty_kind_list_yields_nothing() -> None:
    parsed = parse_documents("apiVersion: v1\nkind: List\nitems: []\n", json_mode=False)
    assert (parsed.kubernetes, parsed.cloudformation, parsed.recognised) == ([], [], False)


def test_custom_resource_types_mark_cloudformation() -> None:
    parsed = parse_documents("Resources:\n  B:\n    Type: Custom::Thing\n", json_mode=False)
    assert [_plain(c) for c in parsed.cloudformation] == [
        {"Resources": {"B": {"Type": "Custom::Thing"}}}]


@pytest.mark.parametrize("text", [
    'version: "3"\nservices:\n  web:\n    image: nginx\n',
    "name: CI\non:\n  push:\njobs:\n  b:\n    runs-on: ubuntu-latest\n",
    "apiVersion: 1\nkind: Service\n",
    "kind: Service\n",
    "Resources:\n  X:\n    Type: 5\n",
    "Resources: []\n",
])
def test_other_yaml_is_not_recognised(text: str) -> None:
    parsed = parse_documents(text, json_mode=False)
    assert (parsed.kubernetes, parsed.cloudformation, parsed.recognised) == ([], [], False)


def test_expected_format_is_forced() -> None:
    forced = parse_documents("apiVersion: v1\nkind: Service\n", json_mode=False,
                             expect="cloudformation")
    assert ([_plain(c) for c in forced.cloudformation], forced.kubernetes) == (
        [{"apiVersion": "v1", "kind": "Service"}], [])
    refused = parse_documents('AWSTemplateFormatVersion: "x"\n', json_mode=False,
                              expect="kubernetes")
    assert (refused.cloudformation, refused.kubernetes) == ([], [])
