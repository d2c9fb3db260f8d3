"""--help reads as prose: docstrings wrapped for the source are reflowed to the terminal, never
broken where the source line ended."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cybertrack.cli import app


def test_help_paragraphs_reflow_instead_of_breaking_at_source_lines() -> None:
    result = CliRunner().invoke(app, ["extract", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    # the docstring breaks this sentence after "(exit"; the help must not
    assert re.search(r"the others go on \(exit status 2\)\.", result.output)
