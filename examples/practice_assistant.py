"""A practice's inbound phone assistant on a language model: opening hours, and "please call me back".

The model (Bedrock Converse, ``eu.amazon.nova-micro-v1:0`` unless ``model_id`` says otherwise) holds the
conversation in German or English as the caller speaks; it has two tools:

- ``opening_hours(day)``: the practice's hours on a weekday, from :data:`OPENING_HOURS`;
- ``request_callback(name, reason, preferred_time)``: records a callback request in the
  :class:`CallbackBook` with the caller's number, which the tool gets from the call (the model never
  sees it), then the assistant says goodbye and hangs up.

Try it against the fake Bedrock (``python -m examples.practice_assistant``): a scripted model
(:func:`scripted_model`) answers one call, played by the call simulator. ``--url`` plays the same call over
HTTP against the example served by the local stack (``make local``: ``POST /examples/practice-assistant``,
see ``local/example.py``). On AWS, ``create_agent(session_store=DynamoDBSessionStore(...),
runner=LambdaInvokeRunner())`` with ``lambda_handler = agent.lambda_handler``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aiflow import AiFlowAssistant, SessionStore, hangup
from aiflow.llm import BackgroundRunner, BedrockConverse, EndTurn, LlmAgent

if TYPE_CHECKING:
    from aiflow.testing.bedrock import BedrockReply

__all__ = [
    "DEFAULT_MODEL_ID",
    "OPENING_HOURS",
    "SCRIPTED_CALLER",
    "CallbackBook",
    "CallbackRequest",
    "create_agent",
    "scripted_model",
]

type Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

OPENING_HOURS: dict[str, str] = {
    "monday": "08:00-12:00, 14:00-18:00",
    "tuesday": "08:00-12:00, 14:00-18:00",
    "wednesday": "08:00-12:00",
    "thursday": "08:00-12:00, 14:00-19:00",
    "friday": "08:00-13:00",
    "saturday": "closed",
    "sunday": "closed",
}
PROMPTS = {
    "de": (
        "Du bist die Telefonassistenz der Hausarztpraxis Dr. Weber. Antworte kurz, in ein oder zwei Sätzen, "
        "auf Deutsch. Für Öffnungszeiten nutze opening_hours. Möchte jemand zurückgerufen werden, frage nach "
        "Namen und Anliegen und nutze request_callback. Gib keine medizinischen Ratschläge."
    ),
    "en": (
        "You are the phone assistant of Dr. Weber's family practice. Answer briefly, in one or two sentences, "
        "in English. Use opening_hours for opening hours. If someone wants a callback, ask for their name and "
        "reason and use request_callback. Give no medical advice."
    ),
}
GREETINGS = {
    "de": "Praxis Dr. Weber, guten Tag! Wie kann ich Ihnen helfen?",
    "en": "Dr. Weber's practice, hello! How can I help you?",
}
GOODBYES = {
    "de": "Danke, wir rufen Sie zurück. Auf Wiederhören!",
    "en": "Thank you, we will call you back. Goodbye!",
}
FALLBACKS = {
    "de": "Entschuldigung, das hat gerade nicht geklappt. Bitte rufen Sie später noch einmal an.",
    "en": "Sorry, that did not work just now. Please call again later.",
}
DEFAULT_MODEL_ID = "eu.amazon.nova-micro-v1:0"  # Amazon Nova Micro through the EU inference profile
# The call main() plays: what the caller says, and what the scripted model answers (scripted_model()).
SCRIPTED_CALLER = (
    "Wann haben Sie am Freitag offen?",
    "Können Sie mich zurückrufen?",
    "Erika Mustermann, wegen meiner Laborwerte",
)


@dataclass(frozen=True)
class CallbackRequest:
    """Who to call back, about what, when; ``number`` comes from the call, never from the model."""

    session_id: str
    number: str | None
    name: str
    reason: str
    preferred_time: str | None


@dataclass
class CallbackBook:
    """The practice's callback requests (in this process; on AWS a table the tool writes)."""

    requests: list[CallbackRequest] = field(default_factory=list)

    def record(self, request: CallbackRequest) -> None:
        self.requests.append(request)


def create_agent(
    *,
    book: CallbackBook,
    language: Literal["de", "en"] = "de",
    model_id: str = DEFAULT_MODEL_ID,
    session_store: SessionStore | None = None,
    runner: BackgroundRunner | None = None,
    deadline_seconds: float | None = 0.8,
    webhook_token: str | None = None,
    bedrock_client: Any = None,
) -> LlmAgent:
    """The agent, attached to its assistant (``agent.lambda_handler`` serves both on Lambda).

    ``bedrock_client`` replaces the ``bedrock-runtime`` client made from the environment (the local stack
    passes one on its fake Bedrock).
    """

    def opening_hours(day: Weekday) -> dict[str, str]:
        """The practice's opening hours on a weekday.

        Args:
            day: the weekday, in English, lower case
        """
        return {"day": day, "hours": OPENING_HOURS[day]}

    def request_callback(
        name: str, reason: str, session_id: str, caller_number: str | None, preferred_time: str | None = None
    ) -> EndTurn:
        """Record that the caller wants to be called back, then end the call.

        Args:
            name: the caller's name as they said it
            reason: what the callback is about, in a few words
            preferred_time: when the caller would like to be called, as they said it
        """
        book.record(CallbackRequest(session_id, caller_number, name, reason, preferred_time))
        return EndTurn(say=GOODBYES[language], actions=[hangup()], result="callback request recorded")

    agent = LlmAgent(
        model=BedrockConverse(model_id, max_tokens=200, client=bedrock_client),
        system_prompt=PROMPTS[language],
        greeting=GREETINGS[language],
        tools=[opening_hours, request_callback],
        language=language,
        runner=runner,
    )
    assistant = AiFlowAssistant(
        webhook_token=webhook_token,
        session_store=session_store,
        fallback=FALLBACKS[language],
        deadline_seconds=deadline_seconds,
    )
    agent.attach(assistant)
    return agent


def scripted_model() -> tuple[tuple[BedrockReply, ...], ...]:
    """The fake model's replies to each line of :data:`SCRIPTED_CALLER`: Friday's hours by the tool, a question
    for the caller's name, a callback request."""
    from aiflow.testing.bedrock import text, tool_use  # deferred: the agent itself never needs the fake

    return (
        (tool_use("opening_hours", {"day": "friday"}), text("Freitags haben wir von 8 bis 13 Uhr geöffnet.")),
        (text("Gern. Wie ist Ihr Name, und worum geht es?"),),
        (tool_use("request_callback", {"name": "Erika Mustermann", "reason": "Laborwerte"}),),
    )


def main(argv: Sequence[str] = ()) -> None:
    """One call with the scripted model: in this process against the fake Bedrock, or over HTTP with ``--url``."""
    from aiflow.testing import CallSimulator, HttpTarget, SimulatedCall
    from aiflow.testing.bedrock import FakeBedrock

    parser = argparse.ArgumentParser(prog="python -m examples.practice_assistant", description=main.__doc__)
    parser.add_argument("--url", help="the example's route on a running local stack (make local prints it)")
    parser.add_argument("--token", help="the webhook token make local prints (sent as X-API-TOKEN)")
    args = parser.parse_args(argv)

    def play(simulator: CallSimulator) -> SimulatedCall:
        call = simulator.start_call(from_phone_number="+4915790000687")
        for words in SCRIPTED_CALLER:
            call.say(words)
        return call

    if args.url:  # the stack's model answers: its fake Bedrock plays scripted_model() too, or a real model
        print(play(CallSimulator(HttpTarget(args.url), args.token)).transcript_text())
        return
    book = CallbackBook()
    with FakeBedrock() as bedrock, bedrock.applied():  # boto3 finds it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME
        for replies in scripted_model():
            bedrock.script(*replies)
        call = play(CallSimulator(create_agent(book=book).assistant))
    print(call.transcript_text())
    print(book.requests)


if __name__ == "__main__":
    main(sys.argv[1:])
