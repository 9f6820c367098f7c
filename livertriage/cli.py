"""The ``livertriage`` command: the only module that imports click.

Exit status (docs/contract.md §3): 0 success; 2 bad usage or bad input, with a one-line message on
stderr; 1 any other failure, including an interview stopped before its end (its answers are
saved). Data goes to stdout; prompts and messages go to stderr; never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn

import click

from livertriage import __version__
from livertriage.answers import answers_json_schema, parse_answers_json
from livertriage.assessment import Assessment
from livertriage.errors import (
    AnswersError,
    KnowledgeBaseError,
    LiverTriageError,
    SessionError,
    printable,
)
from livertriage.knowledge import KnowledgeBase, default_rules_dir
from livertriage.lines import MAX_WIDTH, fit_width, wrap
from livertriage.report import (
    FORMATS,
    Format,
    Role,
    Style,
    plain,
    render,
)
from livertriage.triage import assess, load_knowledge_base

if TYPE_CHECKING:
    from livertriage.conversation import Conversation, Tone
    from livertriage.fhir_models import Release
    from livertriage.interview import Interview
    from livertriage.session import Session

# The questionnaire's modules (conversation, interview, session) and the rules checks (proofs)
# are imported by the commands that use them: "assess" starts faster without them.

__all__ = ["cli", "main"]

#: An answers document is one small JSON object; anything larger is a mistake.
MAX_ANSWERS_BYTES = 1024 * 1024

EXIT_STATUS = (
    "Exit status: 0 success; 2 bad usage or bad input (message on stderr); 1 any other failure, "
    "including an interview stopped before its end (its answers are saved); 130 when stopped "
    "by Ctrl-C (the answers are saved too)."
)


def _epilog(*examples: str, status: str = EXIT_STATUS) -> str:
    """A command's epilog: examples (kept as typed), then what its exit status means."""
    lines = "\n".join(f"  {example}" for example in examples)
    return f"Examples:\n\n\b\n{lines}\n\n{status}"


EPILOG = _epilog(
    "livertriage                      # the questionnaire",
    "livertriage --save report.html   # ... and keep a page to print for the doctor",
    "livertriage assess --answers answers.json --details",
)

BATCH_STATUS = (
    "Exit status: 0 when every line was assessed; 1 when any line became an error record; "
    "2 bad usage or bad input (message on stderr); 130 or 143 when stopped by SIGINT or SIGTERM "
    "(the output then holds whole records up to that point). A line may hold at most 1024 KiB."
)
BATCH_EPILOG = _epilog(
    "livertriage batch answers.jsonl -o triage.jsonl",
    "cat answers.jsonl | livertriage batch - --full",
    "livertriage batch part-2.jsonl --first-line 50001 -o part-2.out.jsonl",
    status=BATCH_STATUS,
)

_COLOURS: dict[Role, dict[str, Any]] = {
    "title": {"bold": True},
    "heading": {"bold": True},
    "cause": {"bold": True},
    "emergency": {"fg": "red", "bold": True},
    "urgent": {"fg": "yellow", "bold": True},
    "soon": {"fg": "cyan", "bold": True},
    "routine": {"fg": "green", "bold": True},
    "recommendation": {"bold": True},
}
#: A saved report's format, from the file's ending; "html" is the page to print for the doctor.
_SAVE_FORMATS: dict[str, Format | Literal["html"]] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".txt": "text",
}
#: Help shared by every --help: how to read exit statuses, and examples.
CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": MAX_WIDTH,
}


class _Failure(click.ClickException):
    """A failure: a one-line message on stderr and exit status 1, never a traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"livertriage: error: {self.format_message()}", err=True)


class _BadInput(_Failure):
    """Bad input: a one-line message on stderr and exit status 2."""

    exit_code = 2


def stdin_closed() -> bool:
    """Whether standard input was closed when livertriage started (as with ``<&-``)."""
    return _closed_stdin


_closed_stdin = False


def _open_missing_streams() -> None:
    """A closed standard input reads as empty; a closed standard output is bad usage."""
    global _closed_stdin
    if sys.stdin is None:
        _closed_stdin = True
        sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115  (lives as long as we do)
    if sys.stdout is None:
        if sys.stderr is not None:
            click.echo(
                "livertriage: error: standard output is closed; nothing could be shown", err=True
            )
        sys.exit(2)


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        """click's main, with usage errors in one line like every other bad input."""
        _open_missing_streams()
        click_main: Any = super().main  # its overloads cannot see through *args
        if not kwargs.pop("standalone_mode", True):
            return click_main(*args, standalone_mode=False, **kwargs)
        try:
            result = click_main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as error:
            where = f' (see "{error.ctx.command_path} --help")' if error.ctx else ""
            click.echo(f"livertriage: error: {error.format_message()}{where}", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KnowledgeBaseError as error:
            hint = (
                ' (run "livertriage rules check" to see them all)'
                if len(error.problems) > 1
                else ""
            )
            raise _BadInput(printable(f"{error}{hint}")) from None
        except LiverTriageError as error:
            # printable: a message may quote input, which must not drive the terminal.
            raise (_BadInput if error.exit_code == 2 else _Failure)(printable(str(error))) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            # The reader went away (as in "livertriage batch ... | head"): stop quietly.
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (nothing more can be written)
            raise click.exceptions.Exit(1) from None
        except Exception as error:  # noqa: BLE001  (a bug: one line, never a traceback)
            raise _Failure(f"internal error: {type(error).__name__}: {error}") from None


def _read_answers(source: str) -> bytes:
    if source == "-" and stdin_closed():
        raise AnswersError("--answers: cannot read '-': standard input is closed")
    try:
        with click.open_file(source, "rb") as handle:  # "-" is standard input, left open
            data = handle.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        raise AnswersError(f"--answers: cannot read {source!r}: {error.strerror}") from None
    if len(data) > MAX_ANSWERS_BYTES:
        raise AnswersError(
            f"--answers: {source!r} is larger than {MAX_ANSWERS_BYTES // 1024} KiB; "
            "an answers file holds one small JSON object"
        )
    return bytes(data)


def _use_colour(flag: bool | None) -> bool:
    """--color/--no-color, else NO_COLOR and TERM=dumb turn it off, else only on a terminal."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _style(colour: bool) -> Style:
    if not colour:
        return plain

    def styled(text: str, role: Role) -> str:
        return click.style(text, **_COLOURS[role])

    return styled


format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text and markdown for people, json for programs, fhir (R4) or fhir-r5 for health "
    'records (these two need the extra: pip install "livertriage[fhir]").',
)
answers_option = click.option(
    "--answers",
    "answers_path",
    required=True,
    metavar="FILE",
    help="A JSON object of answers (question id -> answer), or a FHIR QuestionnaireResponse; "
    "- reads standard input.",
)
colour_option = click.option(
    "--color/--no-color",
    "colour",
    default=None,
    help="Colour the text report. Default: only on a terminal, and never when NO_COLOR is set.",
)


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # A callback, not click.version_option's message: that is formatted at import, and would
    # read the rules' version at every start, not only for --version.
    if value and not ctx.resilient_parsing:
        click.echo(f"livertriage {__version__}, knowledge base {_shipped_rules_version()}")
        ctx.exit()


def _shipped_rules_version() -> str:
    """The shipped knowledge base's version, read without loading the rules."""
    import tomllib  # here: only --version needs it

    try:
        with open(default_rules_dir() / "report.toml", "rb") as handle:
            return str(tomllib.load(handle).get("version", "unknown"))
    except (OSError, tomllib.TOMLDecodeError):
        return "unknown"


@click.group(
    "livertriage",
    cls=_Group,
    invoke_without_command=True,
    epilog=EPILOG,
    context_settings=CONTEXT_SETTINGS,
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@click.option(
    "--save",
    "save_path",
    metavar="FILE",
    help='With the questionnaire: also write the report to FILE (as for "ask --save").',
)
@click.option(
    "--rules-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="LIVERTRIAGE_RULES_DIR",
    help="Use this knowledge base instead of the shipped one (also LIVERTRIAGE_RULES_DIR). "
    "It is checked before any use.",
)
@click.pass_context
def cli(ctx: click.Context, save_path: str | None, rules_dir: Path | None) -> None:
    """Triage help for calcification spots on the liver.

    Asks about symptoms and history, lists possible causes for a physician to consider, says how
    soon to see one, and always ends by recommending a physician. It never gives a diagnosis.
    Nothing leaves this machine.

    Without a command, it starts the questionnaire (the same as "livertriage ask").
    """
    ctx.obj = _Settings(rules_dir=rules_dir, save_path=save_path)
    if ctx.invoked_subcommand is None:
        ctx.invoke(ask_command, save_path=save_path)
    elif save_path and ctx.invoked_subcommand not in ("ask", "assess"):
        raise click.UsageError(f"--save works with ask and assess, not {ctx.invoked_subcommand}")


class _Settings:
    """What the options before the command word set, for every command (click's ctx.obj)."""

    def __init__(self, rules_dir: Path | None, save_path: str | None) -> None:
        self.rules_dir = rules_dir
        self.save_path = save_path


def _knowledge_base(settings: _Settings) -> KnowledgeBase:
    """The knowledge base every command uses: --rules-dir (checked), else the shipped one."""
    return load_knowledge_base(settings.rules_dir)


# --- the questionnaire ---------------------------------------------------------------------------


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _is_terminal(stream: IO[Any] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a closed or a replaced stream
        return False


def _terminal_width(stream: IO[Any]) -> int:
    """The width to wrap to: the terminal's, at most 88 columns; 88 when not a terminal."""
    if not _is_terminal(stream):
        return MAX_WIDTH
    return fit_width(shutil.get_terminal_size((MAX_WIDTH, 24)).columns)


def _command(*args: str) -> str:
    """A livertriage command line that works as typed here: "livertriage" where the shell finds
    this very program by that name, else the path it was started by (as after "make run",
    where it lives in .venv/bin), else "python -m livertriage"."""
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    found = shutil.which("livertriage")
    program: list[str]
    if started is not None and started.name == "livertriage" and started.is_file():
        if found and Path(found).resolve() == started.resolve():
            program = ["livertriage"]
        else:
            try:
                shown = started.resolve().relative_to(Path.cwd().resolve())
            except ValueError:
                shown = started.resolve()
            program = [str(shown) if shown.parent != Path() else f"./{shown}"]
    elif found:
        program = ["livertriage"]
    else:
        program = [sys.executable, "-m", "livertriage"]
    return shlex.join([*program, *args])


@contextlib.contextmanager
def _stop_on_hangup() -> Iterator[None]:
    """Ctrl-C (SIGINT), a closed terminal (SIGHUP) or a polite kill (SIGTERM) stops the
    interview like quit, so the answers are saved instead of lost; the exit status then says
    which signal it was (130 for Ctrl-C)."""

    def stop(signum: int, frame: object) -> None:
        # Ctrl-C says so in the exit status (130); a hang-up or a kill ends like quit (1).
        from livertriage.conversation import Stopped

        raise Stopped(130 if signum == signal.SIGINT else 1)

    wanted = [s for s in ("SIGINT", "SIGHUP", "SIGTERM") if hasattr(signal, s)]
    previous = {name: signal.signal(getattr(signal, name), stop) for name in wanted}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


class _TerminalSay:
    """How the conversation speaks on this terminal: stderr, wrapped to its width, in colour
    where wanted; after a hang-up, silently nowhere."""

    def __init__(self, colour: bool) -> None:
        self.colour = colour
        # Wrapped for a person at a terminal; left whole for a program that reads the stream.
        self.width = _terminal_width(sys.stderr) if _is_terminal(sys.stderr) else None

    def __call__(self, text: str = "", tone: Tone = "plain", *, whole: bool = False) -> None:
        width = self.width
        wrapped = text
        if width and not whole:
            wrapped = "\n".join(
                "\n".join(wrap(line.lstrip(), width, _indent(line), _indent(line)))
                if line.strip()
                else line
                for line in text.split("\n")
            )
        styled = click.style(wrapped, **_TONES[tone]) if tone != "plain" else wrapped
        with contextlib.suppress(OSError):
            click.echo(styled, err=True, color=self.colour)


_TONES: dict[Tone, dict[str, Any]] = {
    "dim": {"dim": True},
    "bold": {"bold": True},
    "alarm": {"fg": "red", "bold": True},
}


def _terminal_prompt(interactive: bool) -> Callable[[], str]:
    """How a reply is read: with line editing at a terminal, else click's prompt on stderr."""

    def read() -> str:
        if interactive and _is_terminal(sys.stdout):
            # Python's input() edits the line (readline) only when it writes its prompt to the
            # real standard output, which click's prompt on stderr does not; both are this
            # terminal here.
            return input("> ")
        try:
            return str(click.prompt(">", prompt_suffix=" ", err=True, show_default=False))
        except click.Abort:
            raise EOFError from None

    return read


SaveFormat = Format | Literal["html"]


def _save_format(path: str) -> SaveFormat:
    """The report's format, from the file's ending; and a check, before any question is asked,
    that the file can be written where it is meant to go, and holds nothing yet."""
    suffix = Path(path).suffix.lower()
    if suffix not in _SAVE_FORMATS:
        raise click.BadParameter(
            f"{path!r} must end in .html (a page to print), .md or .markdown (Markdown), "
            ".json (JSON) or .txt (text)",
            param_hint="--save",
        )
    folder = Path(path).parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise click.BadParameter(
            f"cannot write {path!r}: no such folder, or not writable", param_hint="--save"
        )
    if os.path.lexists(path):
        raise click.BadParameter(
            f"{path!r} already exists, and a report never replaces a file: choose another name",
            param_hint="--save",
        )
    return _SAVE_FORMATS[suffix]


def _stop(
    conversation: Conversation, session_file: Path | None, kb: KnowledgeBase, status: int
) -> NoReturn:
    """Keep what was said, tell the person where it is, and still send them to a physician."""
    from livertriage.session import default_session_path, save_session

    interview = conversation.interview
    answers = interview.answers
    # Save before saying anything: after a hang-up, writing to the terminal fails.
    path = session_file or default_session_path()
    # A named file holding what this interview did not start from is kept: the answers then go to
    # the default place.
    fallback = default_session_path() if session_file else None
    saved = path
    failure: SessionError | None = None
    if answers:
        try:
            saved = save_session(path, answers, kb, fallback=fallback)
        except SessionError as error:
            failure = error
    conversation.say()
    if not answers:
        conversation.say("Stopped. No answers were given, so nothing was saved.")
    elif failure is not None:
        conversation.say(f"Stopped, and {failure}. Here are your answers, so nothing is lost:")
        conversation.say(json.dumps(answers, ensure_ascii=False))
    elif saved != path:
        conversation.say(
            f"Stopped. {str(path)!r} already holds something else, which is left as it is; "
            f"your answers so far are saved in {saved}"
        )
        conversation.say("Carry on later with:")
        conversation.say(f"  {_command('ask', '--resume', str(saved))}", whole=True)
    else:
        conversation.say(f"Stopped. Your answers so far are saved in {path}")
        conversation.say("Carry on later with:")
        conversation.say(f"  {_command('ask', '--resume', str(path))}", whole=True)
    assessment = interview.assessment()
    unasked = [kb.catalogue[q].label for q in assessment.urgency.unanswered_red_flags]
    if unasked:
        conversation.say(
            "Warning signs not yet answered: " + "; ".join(unasked) + ". If any of them is "
            "present, get medical help at once."
        )
    conversation.say(assessment.recommendation, "bold")
    raise click.exceptions.Exit(status)


details_option = click.option(
    "--details",
    is_flag=True,
    help="The clinician's view: every rule, score, source and confidence tag. "
    "The default is the person's view: short, urgency first.",
)


@cli.command(
    "ask",
    epilog=_epilog(
        "livertriage ask",
        "livertriage ask --save report.html",
        "livertriage ask --resume answers-saved-earlier.json",
    ),
)
@click.option(
    "--answers",
    "answers_path",
    metavar="FILE",
    help="Pre-fill answers from a JSON file (- for standard input); only the rest are asked.",
)
@click.option(
    "--resume",
    "resume_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Carry on an interview that was stopped, from its saved answers.",
)
@click.option(
    "--no-input",
    is_flag=True,
    help="Never prompt: report on the answers given with --answers or --resume.",
)
@click.option(
    "--save",
    "save_path",
    metavar="FILE",
    help="Also write the report to FILE, which must not exist yet: a page to print for the "
    "doctor (.html), Markdown (.md), JSON (.json) or text (.txt). Without it, the "
    "questionnaire offers to save the page at the end.",
)
@click.option(
    "--session-file",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to keep the answers if the interview stops early (default: see README).",
)
@format_option
@details_option
@colour_option
@click.pass_obj
def ask_command(
    settings: _Settings,
    answers_path: str | None = None,
    resume_path: Path | None = None,
    no_input: bool = False,
    save_path: str | None = None,
    session_file: Path | None = None,
    fmt: Format = "text",
    details: bool = False,
    colour: bool | None = None,
) -> None:
    """The questionnaire: one question at a time, then the report.

    At every question, answer y (yes), n (no) or ? (don't know), or type why, help, back or
    quit. Prompts go to standard error; the report goes to standard output.
    """
    from livertriage.conversation import Conversation, Stopped
    from livertriage.interview import Interview
    from livertriage.session import check_session_path, load_session

    save_path = save_path or settings.save_path
    if answers_path and resume_path:
        raise click.UsageError("use --answers or --resume, not both")
    if no_input and not (answers_path or resume_path):
        raise click.UsageError("--no-input needs the answers: give --answers FILE or --resume FILE")
    if answers_path == "-" and not no_input:
        raise click.UsageError(
            "--answers - reads standard input, which the questions need too: "
            "add --no-input, or give the answers in a file"
        )
    if session_file is not None and not no_input:
        check_session_path(session_file)  # a device or a pipe: refused before any question
    save_format = _save_format(save_path) if save_path else None
    kb = _knowledge_base(settings)
    use_colour = _use_colour(colour)

    given: dict[str, object] = {}
    dropped: tuple[str, ...] = ()
    session: Session | None = None
    if answers_path:
        given = dict(parse_answers_json(_read_answers(answers_path), kb.catalogue).root)
    elif resume_path:
        session = load_session(resume_path, kb)
        given, dropped = session.answers, session.dropped
    try:
        interview = Interview(kb, given)
    except AnswersError as error:
        if resume_path:
            raise SessionError(f"--resume: {str(resume_path)!r}: {error}") from None
        raise
    if dropped:  # only once the rest is known to be good: bad input stays one line
        click.echo(
            "These saved answers are no longer asked, and are left out: " + ", ".join(dropped),
            err=True,
        )
    if session is not None and session.rules_changed:
        click.echo(_other_rules(session, kb), err=True)

    interactive = sys.stdin is not None and sys.stdin.isatty()
    if interactive:
        # Line editing and history at the prompt (arrow keys), where Python has readline.
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401
    conversation = Conversation(
        interview,
        say=_TerminalSay(use_colour),
        prompt=_terminal_prompt(interactive),
        interactive=interactive,
    )
    view = _View(fmt=fmt, details=details, colour=use_colour)
    try:
        # Until the report is out, Ctrl-C, a hang-up or a kill still keeps the answers.
        with _stop_on_hangup():
            if not no_input:
                conversation.run()
            saved = _report(interview, kb, view, save_path, save_format, resume_path)
    except Stopped as stopped:
        _stop(conversation, session_file or resume_path, kb, stopped.status)
    except KeyboardInterrupt:  # Ctrl-C outside the handler's reach: keep the answers too
        _stop(conversation, session_file or resume_path, kb, 130)
    if interactive and not no_input and save_path is None and fmt != "json":
        _offer_to_save(conversation, interview.assessment(), kb)
    if not saved:
        raise click.exceptions.Exit(1)


class _View:
    """How the report is shown on the terminal: format, person's or clinician's view, colour."""

    def __init__(self, fmt: Format, details: bool, colour: bool) -> None:
        self.fmt = fmt
        self.details = details
        self.colour = colour

    def render(self, assessment: Assessment, kb: KnowledgeBase) -> str:
        width = _terminal_width(sys.stdout)
        text = render(
            assessment, kb, self.fmt, _style(self.colour), details=self.details, width=width
        )
        if self.fmt != "text" or not _is_terminal(sys.stdout):
            return text
        # On a terminal, the recommendation line too is wrapped to its width.
        return "".join(
            "\n".join(wrap(line, width)) + "\n" if len(line) > width else line + "\n"
            for line in text.splitlines()
        )


def _dated_report_name(folder: Path, moment: datetime) -> Path:
    """livertriage-report-2026-12-01.html in ``folder``, or -2, -3 ... when that exists."""
    stem = f"livertriage-report-{moment:%Y-%m-%d}"
    candidate = folder / f"{stem}.html"
    number = 2
    while os.path.lexists(candidate):
        candidate = folder / f"{stem}-{number}.html"
        number += 1
    return candidate


def _offer_to_save(conversation: Conversation, assessment: Assessment, kb: KnowledgeBase) -> None:
    """At the end of the questionnaire: offer the page to print, say where it went, and end
    with how soon to see a doctor, so that it is on the last screen."""
    conversation.say()
    try:
        wanted = click.confirm(
            "Save this report as a page to print for your doctor?",
            default=True,
            err=True,
        )
    except click.Abort:
        wanted = False
    if wanted:
        moment = datetime.now()
        path = _dated_report_name(Path.cwd(), moment)
        if _save_report(path, assessment, kb, "html", moment, quiet=True):
            conversation.say(
                f"Saved as {path.name}, in this folder. Open it in a web browser to read or "
                "print it."
            )
    urgency = assessment.urgency
    conversation.say()
    conversation.say(f"{urgency.label}. {urgency.action}", "bold")
    conversation.say(assessment.recommendation, "bold")


def _other_rules(session: Session, kb: KnowledgeBase) -> str:
    """The notice for a session saved under rules other than the current ones."""
    said = []
    if session.saved_version:
        said.append(f"version {session.saved_version}")
    if session.saved_fingerprint:
        said.append(f"fingerprint {session.saved_fingerprint[:12]}")
    if not said:
        return (
            "This session does not say which rules it was saved under; its answers are checked "
            f"against the current ones (version {printable(kb.version)})."
        )
    return (
        f"This session was saved under different rules ({', '.join(said)}); its answers are "
        f"checked against the current ones (version {printable(kb.version)}, fingerprint "
        f"{kb.fingerprint[:12]})."
    )


def _report(
    interview: Interview,
    kb: KnowledgeBase,
    view: _View,
    save_path: str | None,
    save_format: SaveFormat | None,
    resume_path: Path | None,
) -> bool:
    """Show the report at the end of the questions; whether it was saved where asked."""
    assessment = interview.assessment()
    # Notices first: the report, ending with the physician recommendation, comes last, and
    # is shown even if it could not be saved.
    saved = True
    if save_path and save_format:
        saved = _save_report(Path(save_path), assessment, kb, save_format, datetime.now())
    if resume_path:
        click.echo(
            f"Your saved answers remain in {resume_path}; delete it if you no longer need it.",
            err=True,
        )
    click.echo(view.render(assessment, kb), nl=False, color=view.colour)
    return saved


def _save_report(
    path: Path,
    assessment: Assessment,
    kb: KnowledgeBase,
    fmt: SaveFormat,
    moment: datetime,
    *,
    quiet: bool = False,
) -> bool:
    """Write the report, dated, into a new file; say where, or why not. Whether it was
    written."""
    if fmt == "html":
        from livertriage.page import render_page  # only a saved page needs it

        content = render_page(assessment, kb, generated=moment)
    elif fmt == "json":
        content = render(assessment, kb, fmt)
    else:
        content = render(assessment, kb, fmt, details=True, generated=moment)
    try:
        # A health report: readable by its owner only, like the session files; and never
        # over a file that is already there (O_EXCL).
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(descriptor, "w", encoding="utf-8") as report:
            os.fchmod(report.fileno(), 0o600)
            report.write(content)
    except OSError as error:
        click.echo(
            f"livertriage: error: --save: could not write {str(path)!r}: {error.strerror}; "
            "the report follows here instead",
            err=True,
        )
        return False
    if not quiet:
        click.echo(f"The report is saved in {path.resolve()}", err=True)
    return True


# --- one-shot commands ----------------------------------------------------------------------------


@cli.command(
    "assess",
    epilog=_epilog(
        "livertriage assess --answers answers.json",
        "livertriage assess --answers answers.json --details --save report.html",
        'echo \'{"fever": "yes"}\' | livertriage assess --answers - --format json',
    ),
)
@answers_option
@click.option(
    "--save",
    "save_path",
    metavar="FILE",
    help="Also write the report to FILE, which must not exist yet: .html (a page to print), "
    ".md, .json or .txt.",
)
@format_option
@details_option
@colour_option
@click.pass_obj
def assess_command(
    settings: _Settings,
    answers_path: str,
    save_path: str | None,
    fmt: Format,
    details: bool,
    colour: bool | None,
) -> None:
    """Assess a saved set of answers and print the report."""
    save_path = save_path or settings.save_path
    save_format = _save_format(save_path) if save_path else None
    knowledge_base = _knowledge_base(settings)
    answers = parse_answers_json(_read_answers(answers_path), knowledge_base.catalogue)
    assessment = assess(answers, knowledge_base=knowledge_base)
    saved = True
    if save_path and save_format:
        saved = _save_report(
            Path(save_path), assessment, knowledge_base, save_format, datetime.now()
        )
    view = _View(fmt=fmt, details=details, colour=_use_colour(colour))
    click.echo(view.render(assessment, knowledge_base), nl=False, color=view.colour)
    if not saved:
        raise click.exceptions.Exit(1)


@cli.command(epilog=_epilog("livertriage questions", "livertriage questions --format json"))
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_obj
def questions(settings: _Settings, fmt: str) -> None:
    """List the question catalogue: every answer id and what it asks."""
    knowledge_base = _knowledge_base(settings)
    if fmt == "json":
        listing = [q.model_dump(mode="json", exclude_none=True) for q in knowledge_base.questions]
        click.echo(json.dumps(listing, indent=2, ensure_ascii=False))
        return
    width = max(len(q.id) for q in knowledge_base.questions)
    for question in knowledge_base.questions:
        kind = "age 0-120" if question.kind == "age" else "yes/no/unknown"
        click.echo(f"{question.id:<{width}}  {question.stage:<9}  {kind:<14}  {question.text}")


@cli.command(epilog=_epilog("livertriage schema answers", "livertriage schema assessment"))
@click.argument("which", type=click.Choice(["answers", "assessment"]), required=False)
@click.pass_obj
def schema(settings: _Settings, which: str | None) -> None:
    """Print the JSON Schema of the answers, of the assessment, or (by default) of both."""
    schemas: dict[str, object] = {
        "answers": answers_json_schema(_knowledge_base(settings).catalogue),
        "assessment": Assessment.model_json_schema(mode="serialization"),
    }
    chosen = schemas[which] if which else schemas
    click.echo(json.dumps(chosen, indent=2, ensure_ascii=False))


@cli.group(
    "fhir",
    epilog=_epilog(
        "livertriage fhir questionnaire > questionnaire.json",
        "livertriage fhir response --answers answers.json > response.json",
        "livertriage assess --answers response.json --format fhir",
    ),
)
def fhir_group() -> None:
    """HL7 FHIR: the Questionnaire, and answers as a QuestionnaireResponse (docs/fhir.md).

    Needs the optional extra: pip install "livertriage[fhir]". assess and batch read
    QuestionnaireResponses too, and assess --format fhir writes the result as FHIR.
    """


release_option = click.option(
    "--release",
    type=click.Choice(["R4", "R5"]),
    default="R4",
    show_default=True,
    help="The FHIR release to write.",
)


@fhir_group.command("questionnaire")
@release_option
@click.pass_obj
def fhir_questionnaire(settings: _Settings, release: Release) -> None:
    """Print the question catalogue as one FHIR Questionnaire (JSON)."""
    from livertriage.fhir_models import check_resource, dumps
    from livertriage.fhir_questionnaire import questionnaire

    resource = questionnaire(_knowledge_base(settings), release)
    click.echo(dumps(check_resource(resource, release)), nl=False)


@fhir_group.command("response")
@answers_option
@release_option
@click.pass_obj
def fhir_response(settings: _Settings, answers_path: str, release: Release) -> None:
    """Print answers as a FHIR QuestionnaireResponse to livertriage's Questionnaire (JSON)."""
    from livertriage.fhir_models import check_resource, dumps
    from livertriage.fhir_response import response_from_answers

    knowledge_base = _knowledge_base(settings)
    answers = parse_answers_json(_read_answers(answers_path), knowledge_base.catalogue)
    resource = response_from_answers(answers.root, knowledge_base.catalogue, knowledge_base.version)
    click.echo(dumps(check_resource(resource, release)), nl=False)


@cli.command("batch", epilog=BATCH_EPILOG)
@click.argument("input_path", metavar="IN.jsonl")
@click.option(
    "-o",
    "--output",
    "output_path",
    default="-",
    show_default=True,
    metavar="OUT.jsonl",
    help="Where to write the records; - is standard output.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes.  [default: the number of cores]",
)
@click.option(
    "--full",
    is_flag=True,
    help="Write whole assessments, every explanation included (about 20 KB a record).",
)
@click.option(
    "--compact",
    is_flag=True,
    help="Write compact records: urgency, its reasons, ranked causes with scores. The default.",
)
@click.option(
    "--first-line",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="The number of the first line: for a shard of a larger input, so that line numbers "
    "stay those of the whole.",
)
@click.pass_obj
def batch_command(
    settings: _Settings,
    input_path: str,
    output_path: str,
    workers: int | None,
    full: bool,
    compact: bool,
    first_line: int,
) -> None:
    """Assess many answer sets: one JSON object per line of IN.jsonl (- for standard input).

    Writes one record per input line, in input order: by default a compact record {"line": N,
    "urgency": ..., "reasons": [...], "candidates": [...], ...}; with --full {"line": N,
    "assessment": {...}}; or {"line": N, "error": "..."} for a line that could not be assessed.
    A summary goes to standard error.
    """
    if full and compact:
        raise click.UsageError("use --full or --compact, not both")
    # Only this command needs them.
    from livertriage.batch import assess_lines, default_workers, read_lines, writes_over_input

    _knowledge_base(settings)  # check the rules once, here, before any worker starts
    rules_dir = settings.rules_dir
    if input_path == "-" and stdin_closed():
        raise _BadInput("cannot read '-': standard input is closed")
    try:
        # "-" is standard input (left open when done), as click.open_file reads it.
        source = click.open_file(input_path, "rb")
    except OSError as error:
        raise _BadInput(f"cannot read {input_path!r}: {error.strerror}") from None
    if writes_over_input(source, output_path):  # by any name, links too: before truncating it
        source.close()
        shown = "'-' (standard output)" if output_path == "-" else repr(output_path)
        raise _BadInput(f"--output {shown} is the input file; choose another")
    try:
        target = sys.stdout if output_path == "-" else open(output_path, "w", encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        source.close()
        raise _BadInput(f"--output: cannot write {output_path!r}: {error.strerror}") from None
    show_progress = sys.stderr.isatty()
    # Where the size is known (a file, not a pipe), a bar with the total, percent and time left.
    total = _count_lines(input_path) if show_progress and input_path != "-" else None

    with source, contextlib.ExitStack() as closing:
        if target is not sys.stdout:
            closing.enter_context(target)
        progress: Callable[[int], None] | None = None
        if total is not None:
            bar = closing.enter_context(
                click.progressbar(
                    length=total,
                    label="Assessing",
                    file=sys.stderr,
                    show_pos=True,
                    show_percent=True,
                    show_eta=True,
                )
            )

            def progress(done: int) -> None:
                bar.update(done - bar.pos)

        elif show_progress:

            def progress(done: int) -> None:
                click.echo(f"\rAssessed {done:,} lines", nl=False, err=True)

        summary = assess_lines(
            read_lines(source),
            lambda record: target.write(record + "\n"),
            workers=workers or default_workers(),
            compact=not full,
            rules_dir=rules_dir,
            progress=progress,
            first_line=first_line,
        )
    if show_progress and total is None:
        click.echo(err=True)
    counts = ", ".join(
        f"{summary.urgency[level]:,} {level}"
        for level in ("emergency", "urgent", "soon", "routine")
    )
    stopped = summary.stopped_by
    click.echo(
        (f"stopped by {signal.Signals(stopped).name} after " if stopped else "")
        + f"{summary.records:,} lines: {counts}; {summary.errors:,} "
        f"error{'s' * (summary.errors != 1)}",
        err=True,
    )
    if stopped:  # the records so far are whole; the status says the batch did not end
        raise click.exceptions.Exit(128 + stopped)
    if summary.failed:
        raise click.exceptions.Exit(1)


@cli.group(
    epilog=_epilog("livertriage rules check", "livertriage rules check my-rules/ --strict"),
    invoke_without_command=True,
)
@click.pass_context
def rules(ctx: click.Context) -> None:
    """Work with the knowledge base (the rules directory)."""
    if ctx.invoked_subcommand is None:
        raise click.UsageError('missing command: use "livertriage rules check [DIRECTORY]"')


@rules.command(
    "check", epilog=_epilog("livertriage rules check", "livertriage rules check my-rules/ --strict")
)
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.pass_obj
def rules_check(settings: _Settings, directory: Path | None, strict: bool) -> None:
    """Check a rules directory and report every problem, each with its file and rule id.

    DIRECTORY defaults to --rules-dir, or else the shipped knowledge base. Exit status 0 when it
    can be used, 2 when it has errors (or, with --strict, warnings).
    """
    target = directory or settings.rules_dir
    from livertriage.proofs import check_knowledge_base

    problems = check_knowledge_base(target)
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    for problem in (*errors, *warnings):
        click.echo(printable(f"{problem.severity}: {problem}"))
    where = printable(str(target)) if target else "the shipped knowledge base"
    if not problems:
        click.echo(f"{where}: no problems")
        return
    click.echo(
        f"{where}: {len(errors)} error{'s' * (len(errors) != 1)}, "
        f"{len(warnings)} warning{'s' * (len(warnings) != 1)}"
    )
    if errors or (strict and warnings):
        failed = "errors" if errors else "warnings (--strict)"
        click.echo(f"livertriage: error: {where} has {failed}; see above", err=True)
        raise click.exceptions.Exit(2)


def _count_lines(path: str) -> int | None:
    """The number of lines of a regular file, for the progress bar; None when it cannot tell."""
    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> None:
    """The console script."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="livertriage")
