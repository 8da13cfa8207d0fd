"""The README and docs/ are true: their code runs, their links and paths lead somewhere, their figures are generated.

The SDK's guide (docs/sdk.md) and the SDK wheel's own README run: the FastAPI assistant answers a call
behind uvicorn, the Lambda tour a whole call through its handler, every other Python block as it stands.
Every relative link and every repository path quoted in the README and docs/ exists (a moved module fails
here); the README's first screen says what this is, shows the two commands and leads to every page of docs/,
and the README as a whole stays short; the performance figures are what bench/report.py writes from
bench/results/results.json, never numbers copied by hand.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from aiflow.testing import CallSimulator, HttpTarget, LambdaTarget, SimulatorError
from bench import RESULTS, report
from reminders.operations.cli import cli
from tests.servers import uvicorn_serving

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS, *sorted((ROOT / "packaging").glob("*/README.md"))]
SDK_GUIDES = [ROOT / "docs" / "sdk.md", ROOT / "packaging" / "aiflow-kit" / "README.md"]
PRODUCT_README = ROOT / "packaging" / "aiflow-reminders" / "README.md"
FIRST_SCREEN_LINES = 60
README_LINES = 125  # the first screen, the twenty-line phone agent, what production needs to know
FENCED = re.compile(r"^```.*?^```", flags=re.DOTALL | re.MULTILINE)


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", _text(page), flags=re.DOTALL)


def _run(block: str, page: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "docs"}
    exec(compile(block, str(page), "exec"), namespace)  # noqa: S102 - our own docs, on purpose
    return namespace


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.parametrize("guide", SDK_GUIDES, ids=_name)
def test_the_sdk_guide_opens_with_pip_install_and_a_ten_line_fastapi_assistant(guide: Path) -> None:
    text = _text(guide)
    first_code = text.index("```")
    fastapi = _python_blocks(guide)[0]
    lines = [line for line in fastapi.splitlines() if line.strip() and not line.startswith(("#", "from "))]

    assert text[first_code:].startswith("```sh\npip install aiflow-kit")
    assert "from fastapi import FastAPI" in fastapi
    assert len(lines) <= 10, "ten lines besides the imports"


@pytest.mark.parametrize("guide", SDK_GUIDES, ids=_name)
def test_the_fastapi_assistant_answers_a_call_behind_uvicorn(guide: Path) -> None:
    namespace = _run(_python_blocks(guide)[0], guide)

    with uvicorn_serving(namespace["app"]) as url:
        call = CallSimulator(HttpTarget(f"{url}/webhook"), "the secret set in the AI Flow settings").start_call()
        call.assert_said("How can I help?")
        call.say("I need a new appointment")
        call.assert_said("You said: I need a new appointment.")
        refused = CallSimulator(HttpTarget(f"{url}/webhook"), "a wrong secret")
        with pytest.raises(SimulatorError, match="HTTP 401"):
            refused.start_call()


@pytest.mark.parametrize("guide", SDK_GUIDES, ids=_name)
def test_the_lambda_tour_plays_a_call_through_its_handler(guide: Path, dynamodb_table: str) -> None:
    tour = _python_blocks(guide)[1].replace('"my-table"', f'"{dynamodb_table}"')
    namespace = _run(tour, guide)
    simulator = CallSimulator(LambdaTarget(namespace["lambda_handler"]), "the secret set in the AI Flow settings")

    call = simulator.start_call()
    call.assert_said("say yes")
    call.say("Yes, I will be there")

    call.assert_said("see you then")
    call.assert_hung_up()


@pytest.mark.parametrize(
    ("guide", "block"),
    [(guide, block) for guide in SDK_GUIDES for block in _python_blocks(guide)[2:]],
    ids=lambda value: _name(value) if isinstance(value, Path) else value.splitlines()[0],
)
def test_the_other_python_blocks_run(guide: Path, block: str) -> None:
    _run(block, guide)


def test_the_readmes_first_screen_says_what_this_is_shows_the_two_commands_and_leads_to_every_page() -> None:
    text = _text(README)
    first_screen = "\n".join(text.splitlines()[:FIRST_SCREEN_LINES])
    linked = {(README.parent / target).resolve() for target in re.findall(r"\]\(([^)#\s]+)", first_screen)}

    assert len(text.splitlines()) <= README_LINES
    assert first_screen.startswith("# aiflow: "), "what this is, first"
    assert "## Two commands" in first_screen
    assert "## Where next" in first_screen
    assert re.search(r"^make demo +#", first_screen, flags=re.MULTILINE)
    assert re.search(r"^make test +#", first_screen, flags=re.MULTILINE)
    assert [_name(page) for page in DOCS if page.resolve() not in linked] == []


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(page: Path) -> set[str]:
    prose = FENCED.sub("", _text(page))
    return {_anchor(heading) for heading in re.findall(r"^#+ (.+)$", prose, flags=re.MULTILINE)}


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(page: Path) -> None:
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", FENCED.sub("", _text(page))):
        if "://" in target:
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and anchor not in _anchors(linked)):
            broken.append(target)

    assert broken == []


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_repository_path_quoted_exists(page: Path) -> None:
    """A path in backticks (`layers/aiflow/reminders/dialing/dialer.py`) names a file or folder of the repo."""
    spans = re.findall(r"`([^`\s]+/[^`\s]*)`", FENCED.sub("", _text(page)))
    paths = [span for span in spans if not span.startswith(("/", "dist/")) and "://" not in span]

    assert [path for path in paths if not any(ROOT.glob(path.rstrip("/")))] == []


def test_the_performance_figures_are_the_ones_bench_wrote_from_its_results() -> None:
    results = json.loads((RESULTS / "results.json").read_text(encoding="utf-8"))
    performance = _text(report.PERFORMANCE_DOC)

    assert _text(RESULTS / "summary.md") == report.summary(results), "run make bench, or regenerate from results"
    assert performance == report.performance_doc(results, performance), "edit nothing between the markers"


def _commands(page: Path) -> list[list[str]]:
    """The `reminders ...` command lines of the page's shell blocks, options before the command dropped."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", _text(page), flags=re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["reminders"]:
                lines.append(words[3:] if words[1:2] == ["--stack-name"] else words[1:])
    return lines


@pytest.mark.parametrize("page", [ROOT / "docs" / "operations.md", PRODUCT_README], ids=_name)
def test_every_reminders_command_shown_is_one_the_command_line_has(page: Path) -> None:
    unknown = []
    for words in _commands(page):
        group: Any = cli
        for word in words:
            if word not in getattr(group, "commands", {}):
                break
            group = group.commands[word]
        if group is cli or hasattr(group, "commands"):
            unknown.append(" ".join(words))

    assert _commands(page), "the page shows the command line"
    assert unknown == []
