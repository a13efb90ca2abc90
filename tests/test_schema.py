"""The JSON Schema editors use: generated from the declaration, committed, never drifting."""
from __future__ import annotations

import json
from pathlib import Path

import yaml

from generator.entryfile import SCHEMA_COMMENT, slugify
from generator.schema import Paper, declared_fields, paper_json_schema, paper_json_schema_text
from project_support import make_project, run

REPO = Path(__file__).resolve().parent.parent
COMMITTED = REPO / "schema" / "paper.schema.json"


def test_the_committed_schema_matches_the_declaration():
    """Fails when a field was declared or changed without `readinglist schema --write`."""
    assert COMMITTED.read_text(encoding="utf-8") == paper_json_schema_text()


def test_the_schema_lists_every_declared_field_and_nothing_else():
    schema = paper_json_schema()
    assert list(schema["properties"]) == [f.name for f in declared_fields(Paper)]
    assert schema["required"] == ["title"] and schema["additionalProperties"] is False
    assert schema["properties"]["url"]["pattern"] == "^https?://\\S+$"


def test_entry_files_point_editors_at_the_schema():
    first_lines = {p.read_text(encoding="utf-8").splitlines()[0] for p in (REPO / "content" / "papers").glob("*.yml")}
    assert first_lines == {SCHEMA_COMMENT}
    assert (REPO / "content" / "papers" / SCHEMA_COMMENT.split("$schema=")[1]).resolve() == COMMITTED


def test_schema_command_prints_writes_and_checks(tmp_path: Path):
    root = make_project(tmp_path)
    printed = run(root, "schema")
    assert json.loads(printed.stdout) == paper_json_schema()
    stale = run(root, "schema", "--check")
    assert stale.exit_code == 1
    assert stale.stderr == "Error: schema/paper.schema.json is out of date; run `readinglist schema --write`\n"
    assert run(root, "schema", "--write").stdout == "Wrote schema/paper.schema.json\n"
    assert (root / "schema" / "paper.schema.json").read_text() == paper_json_schema_text()
    assert run(root, "schema", "--check").exit_code == 0


def test_the_issue_form_and_workflows_are_valid_yaml():
    for path in [*(REPO / ".github").rglob("*.yml"), REPO / ".pre-commit-config.yaml"]:
        assert isinstance(yaml.safe_load(path.read_text()), dict), path


def test_ids_from_titles_read_letters_as_authors_write_them_in_ascii():
    assert slugify("α-Synuclein in Søgaard’s Schrödinger Model") == "alpha-synuclein-in-sogaard-s-schrodinger-model"
    assert slugify("Classiﬁcation") == "classification"
