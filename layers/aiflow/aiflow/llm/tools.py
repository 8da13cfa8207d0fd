"""Tools: plain typed Python functions the model may call, their specs built by pydantic from the signature.

``Tool.of(function)`` (or ``@tool``) reads the function's name, its docstring (the first paragraph is the
tool's description; an ``Args:`` section, ``name: what it is`` per line, describes the parameters) and its
annotated parameters, from which ``pydantic.create_model`` makes the arguments' model and its JSON Schema,
Converse's ``inputSchema``. A call from the model is validated against that model before the function runs.

What the model gets back is a ``toolResult`` block: the function's return value as JSON (a string as
text), or, when the arguments do not validate, the function raises or the tool does not exist, the reason
with ``status: "error"``, so that the model can correct itself. Nothing of that reaches the caller.

A tool may take the call's context, which never goes to the model: parameters named ``session_id`` and
``caller_number`` (the caller's digits-only E.164 number, ``None`` if withheld) are filled by the agent and
left out of the schema. That is how "please call me back" records a number the model never saw.

A tool ends the turn by returning :class:`EndTurn`: what to say (if anything) and the actions to take once
it has been said (``hangup()``, ``transfer(...)``); the model is not asked again in that turn.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from aiflow.actions import ActionModel

__all__ = ["EndTurn", "Tool", "ToolOutcome", "tool"]

logger = logging.getLogger("aiflow.llm")

_ARGS_SECTION = re.compile(r"^\s*(?:Args|Arguments|Parameters):\s*$", flags=re.MULTILINE)
_ARG_LINE = re.compile(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.+)$")
_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # Converse's rule for a tool's name
CONTEXT_PARAMETERS = frozenset({"session_id", "caller_number"})  # filled by the agent, never by the model


@dataclass(frozen=True)
class EndTurn:
    """A tool's result that ends the turn: ``say`` is spoken, then ``actions`` run (after the speech ends).

    ``result`` is what the model is told the tool did, kept in the history for the turns to come.
    """

    say: str | None = None
    actions: Sequence[ActionModel] = ()
    result: Any = "done"


@dataclass(frozen=True)
class ToolOutcome:
    """One tool call carried out: its ``toolResult`` block, and the :class:`EndTurn` if the tool ended the turn."""

    block: dict[str, Any]
    ended: EndTurn | None = None

    @property
    def failed(self) -> bool:
        return bool(self.block["toolResult"].get("status") == "error")


@dataclass(frozen=True)
class Tool:
    """A function the model may call: its name, description and arguments' model (see the module's notes)."""

    name: str
    description: str
    function: Callable[..., Any]
    arguments: type[BaseModel] = field(repr=False)

    @classmethod
    def of(cls, function: Callable[..., Any], *, name: str | None = None, description: str | None = None) -> Tool:
        tool_name = name or function.__name__
        if not _TOOL_NAME.fullmatch(tool_name):
            raise ValueError(f"tool name {tool_name!r}: 1-64 letters, digits, '_' or '-'")
        summary, described = _docstring(function)
        return cls(tool_name, description or summary or tool_name, function, _arguments_model(function, described))

    def spec(self) -> dict[str, Any]:
        """The tool as Converse's ``toolConfig.tools`` lists it."""
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        return {"toolSpec": {"name": self.name, "description": self.description, "inputSchema": {"json": schema}}}

    def call(
        self, tool_use_id: str, arguments: Mapping[str, Any], context: Mapping[str, Any] | None = None
    ) -> ToolOutcome:
        """Validate the arguments, run the function and wrap what it returned (or why not) for the model.

        ``context`` holds the values of the context parameters (see the module's notes) the function takes.
        """
        try:
            validated = self.arguments.model_validate(dict(arguments))
        except ValidationError as invalid:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in invalid.errors())
            return _error(tool_use_id, f"invalid arguments for {self.name}: {problems}")
        try:
            given = {name: getattr(validated, name) for name in type(validated).model_fields}
            wanted = {name: (context or {}).get(name) for name in self._context_parameters()}
            returned = self.function(**given, **wanted)
        except Exception as failure:
            logger.warning("tool %s failed: %s", self.name, type(failure).__name__, exc_info=True)
            return _error(tool_use_id, f"{self.name} failed: {failure}")
        if isinstance(returned, EndTurn):
            return ToolOutcome(_result(tool_use_id, returned.result), returned)
        return ToolOutcome(_result(tool_use_id, returned))

    def _context_parameters(self) -> list[str]:
        return [name for name in inspect.signature(self.function).parameters if name in CONTEXT_PARAMETERS]


def tool(function: Callable[..., Any]) -> Tool:
    """``@tool`` on a typed function: the :class:`Tool` made from it."""
    return Tool.of(function)


def unknown_tool(tool_use_id: str, name: str) -> ToolOutcome:
    """The answer to a call of a tool the agent does not have."""
    return _error(tool_use_id, f"there is no tool named {name!r}")


def _result(tool_use_id: str, value: Any) -> dict[str, Any]:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    content = {"text": value} if isinstance(value, str) else {"json": _json_object(value)}
    return {"toolResult": {"toolUseId": tool_use_id, "content": [content], "status": "success"}}


def _json_object(value: Any) -> dict[str, Any]:
    """Converse's ``json`` content is an object: anything else is wrapped as ``{"result": ...}``."""
    plain = json.loads(json.dumps(value, default=str))
    return plain if isinstance(plain, dict) else {"result": plain}


def _error(tool_use_id: str, reason: str) -> ToolOutcome:
    return ToolOutcome({"toolResult": {"toolUseId": tool_use_id, "content": [{"text": reason}], "status": "error"}})


def _docstring(function: Callable[..., Any]) -> tuple[str, dict[str, str]]:
    """The docstring's first paragraph, and the parameters its ``Args:`` section describes."""
    doc = inspect.getdoc(function) or ""
    section = _ARGS_SECTION.search(doc)
    head = doc[: section.start()] if section else doc
    summary = " ".join(head.split("\n\n")[0].split())
    described: dict[str, str] = {}
    if section:
        for line in doc[section.end() :].splitlines():
            match = _ARG_LINE.match(line)
            if match:
                described[match[1]] = match[2].strip()
            elif line.strip() and not line.startswith((" ", "\t")):
                break  # the next section
    return summary, described


def _arguments_model(function: Callable[..., Any], described: Mapping[str, str]) -> type[BaseModel]:
    hints = get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in CONTEXT_PARAMETERS:
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"tool {function.__name__}: *args and **kwargs cannot be described to a model")
        if parameter.name not in hints:
            raise TypeError(f"tool {function.__name__}: parameter {parameter.name!r} needs a type annotation")
        default = ... if parameter.default is parameter.empty else parameter.default
        # Only a description the docstring gives: an explicit None would replace one of Annotated[..., Field()].
        info = Field(default, description=described[parameter.name]) if parameter.name in described else Field(default)
        fields[parameter.name] = (hints[parameter.name], info)
    config = ConfigDict(extra="forbid")  # an argument the function does not take is the model's mistake to hear of
    return create_model(f"{function.__name__}_arguments", __config__=config, **fields)
