"""The settings against template.yaml: every variable a function gets is a field of its view, set from the
template parameter or the stack output that the field names, and every value the template allows is one
the field takes; the command line's view is held by the stack, field by field."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from reminders.settings import (
    ConfigError,
    DialerConfig,
    PublisherConfig,
    ReconcilerConfig,
    SchedulingConfig,
    Settings,
    StackOutput,
    StackParameter,
    WebhookConfig,
    stack_source,
)
from tests.harness.template import template

TEMPLATE = template()
VIEWS: dict[str, type[Settings]] = {
    "WebhookFunction": WebhookConfig,
    "DialerFunction": DialerConfig,
    "ReconcilerFunction": ReconcilerConfig,
    "OutcomePublisherFunction": PublisherConfig,
}
# Powertools' own variables, read by Powertools.
POWERTOOLS = "POWERTOOLS_"


def _variables(function: str) -> dict[str, Any]:
    globals_ = TEMPLATE["Globals"]["Function"].get("Environment", {}).get("Variables", {})
    own = TEMPLATE["Resources"][function]["Properties"]["Environment"]["Variables"]
    return {name: value for name, value in {**globals_, **own}.items() if not name.startswith(POWERTOOLS)}


def _set_from(value: Any) -> Any:
    """What a variable is set from: ``!If [HasX, !Ref X, !Ref AWS::NoValue]`` is set from ``!Ref X``."""
    if isinstance(value, dict) and "Fn::If" in value:
        _, when_true, _ = value["Fn::If"]
        return when_true
    return value


def _every_parameter_field() -> list[Any]:
    """Each field set from a template parameter, once (views share fields), named by its parameter."""
    fields = {}
    for view in VIEWS.values():
        for name, field in view.model_fields.items():
            source = stack_source(field)
            if isinstance(source, StackParameter):
                fields[source.name] = pytest.param(name, field, source, id=source.name)
    return list(fields.values())


def test_every_function_in_the_template_has_a_view() -> None:
    functions = {name for name, resource in TEMPLATE["Resources"].items() if resource["Type"].endswith("::Function")}

    assert functions == set(VIEWS)


@pytest.mark.parametrize("function", VIEWS)
def test_every_variable_a_function_gets_is_a_field_of_its_view_set_from_where_the_field_says(function: str) -> None:
    view = VIEWS[function]
    for variable, value in _variables(function).items():
        field = view.model_fields.get(variable.lower())
        assert field is not None, f"{function} gets {variable}, which {view.__name__} does not read"
        source = stack_source(field)
        reference = _set_from(value)
        if isinstance(source, StackParameter):
            assert reference == {"Ref": source.name}, f"{variable} is not set from the parameter {source.name}"
        elif isinstance(source, StackOutput):
            output = TEMPLATE["Outputs"][source.name]["Value"]
            assert reference == output, f"{variable} is not the resource the output {source.name} names"
        else:
            pytest.fail(f"{view.__name__}.{variable.lower()} names no parameter or output, yet the template sets it")


@pytest.mark.parametrize(("name", "field", "source"), _every_parameter_field())
def test_every_value_the_template_allows_is_one_the_field_takes_and_the_defaults_agree(
    name: str, field: FieldInfo, source: StackParameter
) -> None:
    parameter = TEMPLATE["Parameters"][source.name]
    takes = TypeAdapter(Annotated[(field.annotation, *field.metadata)])
    allowed = [parameter.get(bound) for bound in ("MinValue", "MaxValue")] + parameter.get("AllowedValues", [])
    allowed += ["x" * parameter[length] for length in ("MinLength", "MaxLength") if length in parameter]
    for value in (item for item in allowed if item is not None):
        try:
            takes.validate_python(str(value))
        except ValidationError as error:
            pytest.fail(f"{source.name} allows {value!r}, which {name} refuses: {error}")
    default = parameter.get("Default", "")
    if str(default) != "" and not field.is_required():
        assert takes.validate_python(str(default)) == field.default, f"{source.name}'s default is not {name}'s"


def test_every_field_of_the_command_line_is_held_by_the_stack() -> None:
    for name, source in SchedulingConfig.stack_sources().items():
        held = TEMPLATE["Parameters" if isinstance(source, StackParameter) else "Outputs"]
        assert source.name in held, f"{name}: the template has no {type(source).__name__} {source.name}"


def _described(outputs: dict[str, str], parameters: dict[str, str]) -> dict[str, Any]:
    """A stack as DescribeStacks describes it."""
    return {
        "StackName": "reminders",
        "Outputs": [{"OutputKey": key, "OutputValue": value} for key, value in outputs.items()],
        "Parameters": [{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
    }


OUTPUTS = {
    "TableName": "reminders-Table",
    "CallQueueUrl": "https://sqs.eu-central-1.amazonaws.com/123456789012/calls",
    "CallQueueArn": "arn:aws:sqs:eu-central-1:123456789012:calls",
    "SchedulerGroupName": "reminders",
    "SchedulerRoleArn": "arn:aws:iam::123456789012:role/scheduler",
}


def test_a_stack_gives_its_parameters_and_a_parameter_it_lacks_keeps_the_default() -> None:
    config = SchedulingConfig.from_stack(_described(OUTPUTS, {"MinNoticeMinutes": "180", "CallWindow": "09:00-17:00"}))

    assert (config.min_notice_minutes, config.call_window, config.lead_time_hours) == (180, "09:00-17:00", 24)
    assert (config.table_name, config.dead_letter_queue_arn) == ("reminders-Table", None)


def test_a_bad_stack_value_is_named_as_the_stack_names_it() -> None:
    with pytest.raises(ConfigError, match=r"CallWindow: Value error, calling window '20:00-08:00' must open before"):
        SchedulingConfig.from_stack(_described(OUTPUTS, {"CallWindow": "20:00-08:00"}))


def test_the_calling_window_is_checked_by_the_calling_window() -> None:
    good = SchedulingConfig.from_stack(_described(OUTPUTS, {})).model_dump(exclude_none=True)
    environ = {name.upper(): str(value) for name, value in good.items()}

    with pytest.raises(ConfigError) as raised:
        SchedulingConfig.from_environ({**environ, "CALL_WINDOW": "8:00-20:00"})

    assert str(raised.value) == (
        "invalid configuration: CALL_WINDOW: Value error, calling window '8:00-20:00' must look like 08:00-20:00"
    )
