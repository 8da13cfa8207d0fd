"""Rules of template.yaml that no linter knows: where the template repeats a definition of the code."""

from __future__ import annotations

import json

from local.template import load_template
from reminders.models import DECIDED

TEMPLATE = load_template()
RESOURCES = TEMPLATE["Resources"]


def test_the_publishers_stream_filter_lets_every_final_status_through_and_no_other() -> None:
    stream = RESOURCES["OutcomePublisherFunction"]["Properties"]["Events"]["TableStream"]["Properties"]
    (only,) = stream["FilterCriteria"]["Filters"]
    pattern = json.loads(only["Pattern"])

    assert set(pattern["dynamodb"]["NewImage"]["status"]["S"]) == {status.value for status in DECIDED}
    assert pattern["dynamodb"]["Keys"]["pk"]["S"] == [{"prefix": "REMINDER#"}]
