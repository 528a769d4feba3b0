"""The HCL reader on bad input: a file that does not parse, an argument written as a block, a var file that is
missing or holds a block, bytes that are not UTF-8; each an error naming its file and line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from dynamo_contracts.provision.observed.terraform.hcl import read_folder
from tests.provision.observed.terraform.hcl_cases import CASES, error_of, resource, write

# -- bad input ---------------------------------------------------------------------------------------------------


def test_a_tf_file_that_does_not_parse_names_the_line() -> None:
    message = error_of(CASES / "bad_syntax")
    assert message.startswith("tests/terraform/hcl/bad_syntax/main.tf:9: not valid HCL")
    assert "billing_mode = = " in message


def test_an_argument_written_as_a_block_and_the_reverse() -> None:
    assert error_of(CASES / "bad_shape") == (
        "tests/terraform/hcl/bad_shape/main.tf:10: tags is an argument of aws_dynamodb_table, not a block: "
        "write `tags = ...` instead of `tags { ... }`"
    )


def test_a_block_written_as_an_argument(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": 'resource "aws_dynamodb_table" "t" {\n  attribute = [{ name = "id" }]\n}\n'})
    assert error_of(folder).endswith(
        "main.tf:2: attribute is a block of aws_dynamodb_table, not an argument: "
        "write one `attribute { ... }` block each instead of `attribute = ...`"
    )


def test_a_var_file_that_does_not_parse_or_is_missing() -> None:
    broken = CASES / "bad_var_file" / "broken.tfvars"
    assert error_of(CASES / "bad_var_file", (broken,)).startswith(
        "tests/terraform/hcl/bad_var_file/broken.tfvars:1: not valid HCL"
    )
    missing = CASES / "bad_var_file" / "nope.tfvars"
    assert error_of(CASES / "bad_var_file", (missing,)) == (
        "tests/terraform/hcl/bad_var_file/nope.tfvars: no such file: give an existing file"
    )


def test_a_folder_that_does_not_exist_or_holds_no_tf_file(tmp_path: Path) -> None:
    """Only what Terraform reads counts: not a subfolder's files, hidden or editor files, backups."""
    assert "does not exist: give the folder" in error_of(tmp_path / "nowhere")
    broken = 'resource "aws_dynamodb_table" "t" {\n'  # read, it would be a syntax error
    write(tmp_path, {"README.md": "# infra\n", "sub/main.tf": "terraform {}\n", ".terraform/modules/x/main.tf": broken,
                     ".main.tf": broken, "main.tf~": broken, "#main.tf#": broken, "main.tf.bak": broken,
                     "main.tf.json.orig": broken, "plan.tftest.hcl": broken})
    (tmp_path / "tables.tf").mkdir()  # a folder named like a file is not a file
    assert error_of(tmp_path).endswith("holds no .tf or .tf.json file: give the folder of the Terraform root module")
    assert "is not a folder" in error_of(tmp_path / "README.md")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('resource "aws_dynamodb_table" {\n}\n', "main.tf:1: a resource block takes 2 label(s), not 1"),
        ("resource {\n}\n", "main.tf:1: a resource block takes 2 label(s), not 0"),
        ('name = "orders"\n', "main.tf:1: an argument (name = ...) cannot stand alone"),
        ('resource "aws_dynamodb_table" "t" {\n  name = var.nope\n}\n', "main.tf:2: var.nope is not declared"),
        ('resource "aws_dynamodb_table" "t" {\n  count = "two"\n}\n', "main.tf:2: count must be a whole number"),
        ('resource "aws_dynamodb_table" "t" {\n  for_each = 3\n}\n', "main.tf:2: for_each must be a map or a set"),
        ('resource "aws_dynamodb_table" "t" {\n  name = "a"\n  name = "b"\n}\n', "main.tf:3: argument 'name' is set"),
        ('resource "aws_dynamodb_table" "t" {}\nresource "aws_dynamodb_table" "t" {}\n', "main.tf:2: resource aws_"),
        (
            'locals {\n  a = local.b\n  b = local.a\n}\nresource "aws_backup_vault" "v" {\n  name = local.a\n}\n',
            "depends on itself",
        ),
        (
            'resource "aws_backup_vault" "v" {\n  name = aws_backup_vault.w.name\n}\n',
            "main.tf:2: aws_backup_vault.w is",
        ),
        ('resource "aws_backup_vault" "v" {\n  name = "a${[1]}"\n}\n', "main.tf:2: a string is needed here"),
        ('resource "aws_backup_vault" "v" {\n  name = {a = 1}.b\n}\n', "main.tf:2: the object has no attribute 'b'"),
        ('resource "aws_backup_vault" "v" {\n  name = each.key\n}\n', "main.tf:2: each is only known in a resource"),
        (
            'resource "aws_dynamodb_table" "t" {\n  dynamic "attribute" {\n  }\n}\n',
            'main.tf:2: dynamic "attribute" needs',
        ),
        ('resource "aws_dynamodb_table" "t" {\n  count {\n  }\n}\n', "main.tf:2: count is an argument of"),
        ('resource "aws_dynamodb_table" "t" {\n  tags = "team"\n}\n', "main.tf:2: tags must be a map"),
        ('resource "aws_backup_vault" "v" {\n  tags = { a = 1, a = 2 }\n}\n', "main.tf:2: key 'a' is set twice"),
        (
            'resource "aws_backup_vault" "v" {\n  name = ' + "(" * 3000 + "1" + ")" * 3000 + "\n}\n",
            "main.tf:2: the expression nests too deeply",
        ),
        (
            'variable "n" {\n  type = number\n  default = "x"\n}\n'
            'resource "aws_backup_vault" "v" {\n  name = var.n\n}\n',
            "main.tf:3: the default of var.n: 'x' is not a number",
        ),
        (
            'resource "aws_backup_vault" "v" {\n  name = "open\n  tags = {\n    team = "orders"\n  }\n}\n',
            "main.tf:2: not valid HCL: a string opens here and is not closed on its line, near `name = \"open`",
        ),
    ],
)
def test_bad_tf_files_are_errors_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    message = error_of(write(tmp_path, {"main.tf": text}))
    assert expected in message, message
    if "depends on itself" not in expected:
        assert message.startswith(f"{tmp_path}/main.tf:") or message.startswith("main.tf:"), message


def test_crlf_line_ends_and_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": b'\xef\xbb\xbfresource "aws_backup_vault" "v" {\r\n  name = "v"\r\n}\r\n'})
    assert resource(read_folder(folder), "aws_backup_vault.v").values == {"name": "v"}


def test_non_utf8_bytes_are_an_error_with_the_line(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": b'resource "aws_backup_vault" "v" {\n  name = "caf\xe9"\n}\n'})
    assert error_of(folder).endswith("main.tf:2: not UTF-8 (byte 0xe9): Terraform reads UTF-8 only, save it as UTF-8")


def test_a_var_file_with_a_block_or_a_reference_is_an_error(tmp_path: Path) -> None:
    folder = write(tmp_path, {"main.tf": 'variable "env" {}\n', "a.tfvars": "env = var.other\n", "b.tfvars": "x {}\n"})
    assert "a.tfvars:1: a variable file can hold only values" in error_of(folder, (folder / "a.tfvars",))
    assert "b.tfvars:1: a variable file holds only `name = value` lines" in error_of(folder, (folder / "b.tfvars",))
    write(folder, {"c.tfvars.json": "[1"})
    assert "c.tfvars.json:1: not valid JSON" in error_of(folder, (folder / "c.tfvars.json",))


def test_five_tables_with_dynamic_gsis_are_read_in_full(tmp_path: Path) -> None:
    table = """
resource "aws_dynamodb_table" "t{i}" {{
  name         = "${{var.env}}-t{i}"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  range_key    = "sk"
  attribute {{
    name = "pk"
    type = "S"
  }}
  attribute {{
    name = "sk"
    type = "S"
  }}
  dynamic "global_secondary_index" {{
    for_each = var.gsis
    content {{
      name            = global_secondary_index.value
      hash_key        = "sk"
      projection_type = "ALL"
    }}
  }}
  point_in_time_recovery {{
    enabled = true
  }}
  tags = local.tags
}}
"""
    head = (
        'variable "env" { default = "sit" }\nvariable "gsis" { default = ["A", "B"] }\nlocals { tags = { a = "b" } }\n'
    )
    folder = write(tmp_path, {"main.tf": head + "".join(table.format(i=i) for i in range(5))})
    config = read_folder(folder)  # how fast: benchmarks/, never a timing in a test
    assert len(config.resources) == 5
    assert all(len(r.values["global_secondary_index"]) == 2 for r in config.resources)


@pytest.mark.parametrize(("text", "line"), [
    pytest.param('a = "open\nb = "x"\n', 1, id="open"),
    pytest.param('a = "x\\"y"\nb = "open\n', 2, id="escaped-quote"),
    pytest.param('# "\n// "\n/* "\n" */\na = <<EOT\n"\nEOT\nb = "${lookup(m, "k")}"\nc = "open\n', 9,
                 id="comments-heredoc-nested"),
    pytest.param('a = "x"\nb = "y"\n', None, id="closed"),
])
def test_open_string_finds_the_line_a_string_opens_on(text: str, line: int | None) -> None:
    from dynamo_contracts.provision.observed.terraform.hcl_syntax import open_string

    assert open_string(text) == line
