"""Play scripted reminder calls against the example assistant and print what was said.

``python -m examples.simulated_calls`` plays every scenario, ``--scenario NAME`` just one. Each call reaches the
assistant through its Lambda handler, wrapped as API Gateway's HTTP API would, with the webhook token
checked. The exit status is 0 when every call went as scripted, 1 otherwise. No AWS, no network: the
SDK and its call simulator alone (``make demo`` plays the whole product on the local stack).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parents[1] / "layers" / "aiflow")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)  # on Lambda the layer provides aiflow; here it is a folder of the repo

from aiflow.testing import CallSimulator, LambdaTarget, SimulatedCall, SimulatorError  # noqa: E402
from examples.appointment_assistant import create_assistant  # noqa: E402

WEBHOOK_TOKEN = "demo-webhook-token"  # noqa: S105 - a made-up secret shared by the two sides


@dataclass(frozen=True)
class Scenario:
    """One scripted call: the patient's moves, each followed by what the assistant must have said."""

    name: str
    title: str
    play: Callable[[SimulatedCall], None]


def _confirms_by_voice(call: SimulatedCall) -> None:
    call.assert_said("appointment with us tomorrow")
    call.say("Yes, I'll be there.")
    call.assert_said("is confirmed")
    call.assert_hung_up()


def _cancels_by_key_after_silence(call: SimulatedCall) -> None:
    call.stay_silent()
    call.assert_said("are you still there?")
    call.press("2")
    call.assert_said("is cancelled")
    call.assert_hung_up()


def _never_answers_clearly(call: SimulatedCall) -> None:
    call.say("Who is this?")
    call.assert_said("didn't catch that")
    call.stay_silent()
    call.assert_said("are you still there?")
    call.say("I'm not sure, maybe.")
    call.assert_said("will call you back")
    call.assert_hung_up()


SCENARIOS = (
    Scenario("confirm", "The patient confirms by voice.", _confirms_by_voice),
    Scenario("cancel", "The patient stays silent, then cancels with key 2.", _cancels_by_key_after_silence),
    Scenario("unclear", "The patient never answers clearly: the practice will call back.", _never_answers_clearly),
)


def play(scenario: Scenario) -> bool:
    """Play one scenario, print its transcript and verdict, and tell whether it went as scripted."""
    assistant = create_assistant(webhook_token=WEBHOOK_TOKEN)
    simulator = CallSimulator(LambdaTarget(assistant.lambda_handler), WEBHOOK_TOKEN)
    print(f"=== {scenario.name}: {scenario.title}")
    call: SimulatedCall | None = None
    try:
        call = simulator.start_call(direction="outbound")
        scenario.play(call)
    except (AssertionError, SimulatorError) as error:
        if call is not None:
            print(call.transcript_text())
        # The messages end with the transcript, printed just above.
        print(f"--> NOT as scripted: {str(error).split('\n\nTranscript:')[0]}\n")
        return False
    print(call.transcript_text())
    print(f"--> as scripted (ended by the {call.ended_by})\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m examples.simulated_calls", description="Play scripted reminder calls."
    )
    parser.add_argument("--scenario", choices=[scenario.name for scenario in SCENARIOS], help="play only this call")
    args = parser.parse_args(argv)
    chosen = [scenario for scenario in SCENARIOS if args.scenario in (None, scenario.name)]
    results = [play(scenario) for scenario in chosen]
    print(f"{sum(results)} of {len(results)} calls went as scripted.")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
