"""The ``livertriage`` command: the only module that imports click.

Exit status (CONTRACT.md §3): 0 success; 2 bad usage or bad input, with a one-line message on
stderr; 1 any other failure. Data goes to stdout, messages to stderr, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import IO, Any

import click

from livertriage import __version__
from livertriage.answers import answers_json_schema, parse_answers_json
from livertriage.assessment import Assessment
from livertriage.errors import AnswersError, LiverTriageError
from livertriage.report import FORMATS, Format, render
from livertriage.triage import assess, load_knowledge_base

__all__ = ["cli", "main"]

#: An answers document is one small JSON object; anything larger is a mistake.
MAX_ANSWERS_BYTES = 1024 * 1024

EPILOG = (
    "Exit status: 0 success; 2 bad usage or bad input (message on stderr); 1 any other failure."
)


class _Failure(click.ClickException):
    """A failure: a one-line message on stderr and exit status 1, never a traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"livertriage: error: {self.format_message()}", err=True)


class _BadInput(_Failure):
    """Bad input: a one-line message on stderr and exit status 2."""

    exit_code = 2


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LiverTriageError as error:
            raise (_BadInput if error.exit_code == 2 else _Failure)(str(error)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001  (a bug: one line, never a traceback)
            raise _Failure(f"internal error: {type(error).__name__}: {error}") from None


def _read_answers(source: str) -> bytes:
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1)
        else:
            with open(source, "rb") as handle:
                data = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        raise AnswersError(f"--answers: cannot read {source!r}: {error.strerror}") from None
    if len(data) > MAX_ANSWERS_BYTES:
        raise AnswersError(
            f"--answers: {source!r} is larger than {MAX_ANSWERS_BYTES // 1024} KiB; "
            "an answers file holds one small JSON object"
        )
    return data


@click.group(cls=_Group, invoke_without_command=True, epilog=EPILOG)
@click.version_option(__version__, prog_name="livertriage")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Triage help for calcification spots on the liver.

    Lists possible causes for a physician to consider, says how soon to see one, and always ends
    by recommending a physician. It never gives a diagnosis. Nothing leaves this machine.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command("assess", epilog=EPILOG)
@click.option(
    "--answers",
    "answers_path",
    required=True,
    metavar="FILE",
    help="A JSON object of answers (question id -> answer); - reads standard input.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text and markdown for people, json for programs.",
)
def assess_command(answers_path: str, fmt: Format) -> None:
    """Assess a saved set of answers and print the report."""
    knowledge_base = load_knowledge_base()
    answers = parse_answers_json(_read_answers(answers_path), knowledge_base.catalogue)
    assessment = assess(answers, knowledge_base=knowledge_base)
    click.echo(render(assessment, knowledge_base, fmt), nl=False)


@cli.command(epilog=EPILOG)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def questions(fmt: str) -> None:
    """List the question catalogue: every answer id and what it asks."""
    knowledge_base = load_knowledge_base()
    if fmt == "json":
        listing = [q.model_dump(mode="json", exclude_none=True) for q in knowledge_base.questions]
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    width = max(len(q.id) for q in knowledge_base.questions)
    for question in knowledge_base.questions:
        kind = "age 0-120" if question.kind == "age" else "yes/no/unknown"
        click.echo(f"{question.id:<{width}}  {question.stage:<9}  {kind:<14}  {question.text}")


@cli.command(epilog=EPILOG)
@click.argument("which", type=click.Choice(["answers", "assessment"]), required=False)
def schema(which: str | None) -> None:
    """Print the JSON Schema of the answers, of the assessment, or (by default) of both."""
    schemas: dict[str, object] = {
        "answers": answers_json_schema(load_knowledge_base().catalogue),
        "assessment": Assessment.model_json_schema(mode="serialization"),
    }
    chosen = schemas[which] if which else schemas
    click.echo(json.dumps(chosen, indent=2, ensure_ascii=False))


def main(argv: Sequence[str] | None = None) -> None:
    """The console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="livertriage")
