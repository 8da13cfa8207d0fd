"""A practice's inbound phone assistant on a language model: opening hours, and "please call me back".

The model (Bedrock Converse, ``eu.amazon.nova-micro-v1:0`` unless ``model_id`` says otherwise) holds the
conversation in German or English as the caller speaks; it has two tools:

- ``opening_hours(day)``: the practice's hours on a weekday, from :data:`OPENING_HOURS`;
- ``request_callback(name, reason, preferred_time)``: records a callback request in the
  :class:`CallbackBook` with the caller's number, which the tool gets from the call (the model never
  sees it), then the assistant says goodbye and hangs up.

Try it against the fake Bedrock (``python -m examples.practice_assistant``): a scripted model answers one
call, played by the call simulator. On AWS, ``create_assistant(session_store=DynamoDBSessionStore(...),
runner=LambdaInvokeRunner())`` with ``lambda_handler = agent.lambda_handler``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from aiflow import AiFlowAssistant, SessionStore, hangup
from aiflow.llm import BackgroundRunner, BedrockConverse, EndTurn, LlmAgent

__all__ = ["OPENING_HOURS", "CallbackBook", "CallbackRequest", "create_agent"]

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
    model_id: str = "eu.amazon.nova-micro-v1:0",
    session_store: SessionStore | None = None,
    runner: BackgroundRunner | None = None,
    deadline_seconds: float | None = 0.8,
    webhook_token: str | None = None,
) -> LlmAgent:
    """The agent, attached to its assistant (``agent.lambda_handler`` serves both on Lambda)."""

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
        model=BedrockConverse(model_id, max_tokens=200),
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


def main() -> None:
    """One call against the fake Bedrock with a scripted model: the hours, then a callback request."""
    from aiflow.testing import CallSimulator
    from aiflow.testing.bedrock import FakeBedrock, text, tool_use

    book = CallbackBook()
    with FakeBedrock() as bedrock, bedrock.applied():  # boto3 finds it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME
        bedrock.script(
            tool_use("opening_hours", {"day": "friday"}),
            text("Freitags haben wir von 8 bis 13 Uhr geöffnet."),
            text("Gern. Wie ist Ihr Name, und worum geht es?"),
            tool_use("request_callback", {"name": "Erika Mustermann", "reason": "Laborwerte"}),
        )
        agent = create_agent(book=book)
        call = CallSimulator(agent.assistant).start_call(from_phone_number="+4915790000687")
        call.say("Wann haben Sie am Freitag offen?")
        call.say("Können Sie mich zurückrufen?")
        call.say("Erika Mustermann, wegen meiner Laborwerte")
    print(call.transcript_text())
    print(book.requests)


if __name__ == "__main__":
    main()
