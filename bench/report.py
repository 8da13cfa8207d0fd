"""The figures written from the results: ``bench/results/summary.md``, the generated section of
``docs/performance.md``, and ``turn_latency.png``.

:func:`figures` formats one run's results as Markdown; :func:`write` puts them in ``summary.md`` and
between the markers of ``docs/performance.md``, whose prose around them is written by hand and cites no
figure, so no number there is ever copied by hand. ``tests/unit/test_docs.py`` checks that both hold
what :func:`figures` writes from the committed ``results.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench import ROOT
from bench.turns import KINDS, LABELS

TITLE = "## The figures of the last `make bench`"
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
BEGIN = "<!-- begin: written by make bench (bench/report.py); edit nothing down to the end marker -->"
END = "<!-- end: written by make bench -->"

MIB = 1024 * 1024
CLOSE_TO_FLOOR = 1.25  # what the budget's "close to the floor" is taken to mean
WRITES_ALLOWED = {"user_speak_decision": 2}  # the deciding turn writes the outcome and the state
CALLS_PER_DIAL = 4
BATCH_OVER_IDEAL = 1.5  # a batch of 10 against one round trip to sipgate
IMPORT_SPEEDUP = 10  # against the sequential import, on the same machine and backends
CALLS_PER_REMINDER = 2
LAYER_MIB = 12  # unzipped, with bytecode


def _ms(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _mib(value: int) -> str:
    return f"{value / MIB:.2f} MiB" if value >= MIB / 10 else f"{value / 1024:.1f} KiB"


def _coldstart(cold: dict[str, Any]) -> list[str]:
    series = cold["series"]

    def row(label: str, target: str, field: str = "init_ms", ratio: bool = True) -> str:
        cells = [label]
        for condition in ("no .pyc", "all .pyc"):
            entry = series.get(f"{target} / {condition}")
            value = entry.get(field) if entry else None
            cells.append(_ms(value))
            if ratio:
                floor = series.get(f"floor / {condition}")
                cells.append(_x(value / floor["init_ms"]) if value is not None and floor else "-")
            else:
                cells.append("")
        return "| " + " | ".join(cells) + " |"

    lines = [
        f"### Cold start (median of {cold['runs']} fresh processes, ms)",
        "",
        "| | no .pyc | x floor | with .pyc (as the layer ships) | x floor |",
        "|---|---:|---:|---:|---:|",
        row("floor: `import boto3; boto3.client('dynamodb')`", "floor"),
        row("`import aiflow`", "aiflow"),
        row("webhook: import and init of `app`", "webhook"),
        row("webhook: init + first turn (outbound `session_start`)", "webhook", "init_and_first_turn_ms"),
        row("webhook: the first turn alone (SSM read, validators built)", "webhook", "first_turn_ms", ratio=False),
        row("dialer: import and init of `app`", "dialer"),
        row("dialer: first invocation's setup (config, 3 clients)", "dialer", "setup_ms", ratio=False),
        "",
    ]
    connects = sorted(
        {c for entry in series.values() for c in (*entry.get("init_connects", []), *entry.get("setup_connects", []))}
    )
    lines.append(
        "Module init (and the dialer's setup) opened no network connection in any run."
        if not connects
        else f"**Module init opened network connections:** {', '.join(connects)}."
    )
    webhook = series.get("webhook / all .pyc", {})
    lines += [
        f"Pydantic builds {webhook.get('init_schema_builds', 0):.0f} validators during the webhook's init "
        f"({_ms(webhook.get('init_schema_ms'))} ms) and the rest on the first turn "
        f"({_ms(webhook.get('first_turn_schema_ms'))} ms).",
        "",
        f"Levers, on the webhook (ms; the first two rows from above, the experiments median of {cold['lever_runs']} "
        "processes; .pyc in compileall's default timestamp mode unless named):",
        "",
        "| experiment | init | x floor | init + first turn | validators built in init / first turn |",
        "|---|---:|---:|---:|---:|",
    ]
    for key in (
        "webhook / no .pyc",
        "webhook / all .pyc",
        *(k for k in series if k.startswith("webhook / ") and k not in ("webhook / no .pyc", "webhook / all .pyc")),
    ):
        entry = series[key]
        lines.append(
            f"| {entry['condition']} | {_ms(entry['init_ms'])} | {_x(entry.get('ratio_to_floor'))} | "
            f"{_ms(entry['init_and_first_turn_ms'])} | "
            f"{_ms(entry['init_schema_ms'])} / {_ms(entry['first_turn_schema_ms'])} |"
        )
    breakdown = cold.get("webhook_import_breakdown_ms", {})
    if breakdown:
        source, compiled = breakdown.get("no .pyc", {}), breakdown.get("all .pyc", {})
        top = sorted(source, key=lambda name: -source[name])[:10]
        lines += [
            "",
            "Where the webhook's import time goes (`-X importtime`, self time per package, median ms):",
            "",
            "| package | no .pyc | with .pyc |",
            "|---|---:|---:|",
            *(f"| `{name}` | {_ms(source[name])} | {_ms(compiled.get(name))} |" for name in top),
        ]
    return [*lines, ""]


def _turns(turns: dict[str, Any], results_dir: str) -> list[str]:
    lines = [
        "### Webhook turns (`lambda_handler` in process, ms)",
        "",
        "| turn | DynamoDB | calls: reads + writes | p50 | p95 | p99 | floor p50 / p95 / p99 | x floor p50 / p95 / p99 "
        "| handler work p50 / p99 |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for result in turns.values():
        for kind in KINDS:
            turn = result["turns"][kind]
            ms, floor, ratio = turn["ms"], turn["floor_ms"], turn["ratio"]
            calls = ", ".join(f"{name} {count:g}" for name, count in turn["dynamodb_calls_per_turn"].items())
            lines.append(
                f"| {turn['label']} | {result['backend']} | {turn['dynamodb_reads']:g} + {turn['dynamodb_writes']:g} "
                f"({calls}) | {_ms(ms['p50'])} | {_ms(ms['p95'])} | {_ms(ms['p99'])} | "
                f"{_ms(floor['p50'])} / {_ms(floor['p95'])} / {_ms(floor['p99'])} | "
                f"{ratio['p50']:.2f} / {ratio['p95']:.2f} / {ratio['p99']:.2f} | "
                f"{_ms(turn['handler_work_ms']['p50'])} / {_ms(turn['handler_work_ms']['p99'])} |"
            )
    first = next(iter(turns.values()))
    counts = " and ".join(f"{result['samples']} on {result['backend']}" for result in turns.values())
    lines += [
        "",
        f"Calls of three turns each: {counts} (after {first['warmup']} not counted); "
        "the floor is the same number of raw GetItem/PutItem calls on the same server, right after each turn. "
        "Handler work is the turn less the time spent inside the webhook's DynamoDB client (the budget's figure).",
        "",
        f"![Webhook turn latency against its floor]({results_dir}turn_latency.png)",
        "",
    ]
    return lines


def _backend(backend: dict[str, Any] | None) -> list[str]:
    if backend is None:
        return []
    return [
        "",
        f"The backend's concurrency here: one PutItem takes {backend['put_alone_s'] * 1000:.1f} ms, "
        f"{backend['at_once']} at once {backend['puts_at_once_s'] * 1000:.1f} ms "
        f"({backend['at_once_over_alone']:.1f}x one; {backend['at_once']}x would be one at a time).",
    ]


def _dialer(dialer: dict[str, Any]) -> list[str]:
    batch = dialer["batch"]
    calls = ", ".join(f"{name} {count:g}" for name, count in batch["aws_calls_per_dial"].items())
    lines = [
        f"### Dialer (batch of {batch['batch']}, sipgate answering in {batch['sipgate_latency_s'] * 1000:.0f} ms)",
        "",
        f"| | median of {batch['runs']} runs ({batch.get('sequential_runs', batch['runs'])} one after another) "
        "| x ideal |",
        "|---|---:|---:|",
        f"| ideal: one round trip to sipgate | {batch['ideal_s']:.2f} s | 1.00x |",
        f"| the Lambda's batch (concurrent) | {batch['concurrent_median_s']:.2f} s | {batch['ratio_to_ideal']:.2f}x |",
        f"| one after another | {batch['sequential_median_s']:.2f} s | "
        f"{batch['sequential_median_s'] / batch['ideal_s']:.2f}x |",
        f"| the batch, sipgate answering at once (its AWS calls alone) | {batch['instant_sipgate_median_s']:.2f} s | |",
        "",
        f"The 10 POSTs reached sipgate within {batch['post_spread_median_s'] * 1000:.0f} ms of each other (median). "
        f"AWS calls per dial: {calls} (DynamoDB: {batch.get('dynamodb', 'moto server')}).",
        *_backend(dialer.get("backend")),
        "",
        "| cap (calls/s) | calls | most calls in one second | calls per second at sipgate | took |",
        "|---:|---:|---:|---|---:|",
    ]
    for cap in dialer["cap"]:
        lines.append(
            f"| {cap['cap']} | {cap['calls']} | {cap['max_in_one_second']}"
            f"{'' if cap['within_cap'] else ' (over the cap)'} | {' '.join(map(str, cap['per_second']))} | "
            f"{cap['seconds']:.1f} s |"
        )
    return [*lines, ""]


def _scale(scale: dict[str, Any]) -> list[str]:
    lines = [
        f"### Scale: `python -m reminders import` of a CSV file ({scale.get('backend', 'moto server')})",
        "",
        "| rows imported | time | per reminder | reminders/s | AWS calls per reminder |",
        "|---:|---:|---:|---:|---|",
    ]
    for entry in scale["imports"]:
        calls = ", ".join(f"{name} {count:g}" for name, count in entry["calls_per_reminder"].items())
        rows = (
            f"{entry['rows']:,}"
            if entry["rows"] == entry["of_import"]
            else f"first {entry['rows']:,} of {entry['of_import']:,}"
        )
        lines.append(
            f"| {rows} | {entry['seconds']:.1f} s | {entry['ms_per_reminder']:.1f} ms | "
            f"{entry['reminders_per_second']:.0f} | {calls} |"
        )
    if not scale["measured_target"]:
        lines += ["", f"Not measured at {scale['target_rows']:,} rows: {scale['reason']}."]
    baseline = scale.get("baseline")
    if baseline:
        lines += [
            "",
            f"Side by side, the import before this change (commit {baseline['commit']}, one row after another, "
            f"{baseline['calls_per_reminder_then']} per reminder) on the same backends: {baseline['rows']:,} rows "
            f"in {baseline['seconds']:.1f} s, {baseline['reminders_per_second']:.0f} reminders/s. "
            f"Speed-up: **{scale['speedup']:.1f}x** (target: 10x).",
        ]
        final = scale["imports"][-1]
        if "cpu_ms_per_reminder" in final and "cpu_ms_per_reminder" in baseline:
            lines += [
                "",
                "The machine's CPU behind each reminder (every process: the CLI, DynamoDB Local, the moto server): "
                f"before, {baseline['cpu_ms_per_reminder']:.1f} ms with the cores "
                f"{100 * baseline['cores_busy_share']:.0f} % busy; now {final['cpu_ms_per_reminder']:.1f} ms with "
                f"the cores {100 * final['cores_busy_share']:.0f} % busy. At that cost these cores import at most "
                f"{final['cpu_bound_reminders_per_second']:.0f} reminders/s "
                f"({final['cpu_bound_reminders_per_second'] / baseline['reminders_per_second']:.1f}x the import "
                "before), however the work is spread.",
            ]
    return [*lines, ""]


def _day(day: dict[str, Any]) -> list[str]:
    lines = [
        f"### A group's day: {day['reminders']:,} reminders planned (`bench/day.py`)",
        "",
        f"Appointments at :00 and :30, 08:00-17:30 in {', '.join(day['zones'])}; window {day['window']}, lead time "
        f"{day['lead_time_h']:g} h, minimum notice {day['min_notice_min']:g} min, spread {day['spread_min']:g} min; "
        f"planning took {day['plan_us_per_reminder']:.0f} µs per reminder.",
        "",
        "| plan | most calls in a second | in a minute | in an hour | before the appointment: min, median |",
        "|---|---:|---:|---:|---|",
    ]
    plans = {"spread": "spread (now)", "base_times": "the lead time alone (before)"}
    for key, label in plans.items():
        plan = day[key]
        lines.append(
            f"| {label} | {plan['most_per_second']:,} | {plan['most_per_minute']:,} | {plan['busiest_hour']:,} | "
            f"{plan['notice_min_h']:.1f} h, {plan['notice_median_h']:.1f} h |"
        )
    lines += [
        "",
        "Drained at the cap (each second's slots to the oldest planned calls, a closed window waits for its opening):",
        "",
        "| cap (calls/s) | plan | latest call after its time | 99th percentile | over a minute late | "
        "past the minimum notice |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for cap in day["spread"]["at_caps"]:
        for key, label in plans.items():
            drained = day[key]["at_caps"][cap]
            lines.append(
                f"| {cap} | {label} | {drained['max_delay_s']:,} s | {drained['p99_delay_s']:,} s | "
                f"{drained['late_over_60s']:,} | {drained['past_notice']:,} |"
            )
    index = day["index"]
    lines += [
        "",
        f"The import at {index['import_rate']:,} rows/s writes each of the status index's {index['shards']} "
        f"partitions {index['least_per_shard_per_s']:.0f}-{index['most_per_shard_per_s']:.0f} times a second "
        f"(one partition takes {index['partition_limit']:,}; unsharded, one partition would take all "
        f"{index['unsharded_per_s']:,.0f}).",
    ]
    return [*lines, ""]


def _burst(burst: dict[str, Any]) -> list[str]:
    statuses = ", ".join(f"{status} {count:,}" for status, count in sorted(burst["statuses"].items()))
    by_operation = ", ".join(f"{name} {count:g}" for name, count in burst["aws_calls_by_operation"].items())
    return [
        f"### A burst on the local stack: {burst['reminders']:,} reminders due at once, {burst['cap']} calls/s "
        "(`bench/burst.py`)",
        "",
        "| ended | callees rung exactly once | most calls in a second | calls over | drained in | "
        "AWS calls per reminder |",
        "|---|---:|---:|---:|---:|---:|",
        f"| {statuses} | {burst['callees_rung_once']:,} | {burst['most_calls_in_a_second']} | "
        f"{burst['calls_span_s']:.0f} s | {burst['drained_s']:.0f} s | {burst['aws_calls_per_reminder']:g} |",
        "",
        f"By operation, per reminder: {by_operation}.",
        "",
    ]


def _package(package: dict[str, Any]) -> list[str]:
    if not package.get("built"):
        return ["### Package", "", package.get("reason", "not built"), ""]
    lines = [
        f"### Package (`sam build`, arm64, built {package['built_at']})",
        "",
        "| artifact | files | unzipped | zipped |",
        "|---|---:|---:|---:|",
    ]
    for name, entry in package["artifacts"].items():
        if entry is None:
            lines.append(f"| {name} | not built | | |")
        else:
            lines.append(
                f"| {name} | {entry['files']:,} | {_mib(entry['unzipped_bytes'])} | {_mib(entry['zipped_bytes'])} |"
            )
    bytecode = package.get("layer_with_bytecode")
    if bytecode:
        lines.append(
            f"| AiFlowLayer with .pyc ({bytecode['mode']}) | {bytecode['files']:,} | "
            f"{_mib(bytecode['unzipped_bytes'])} | {_mib(bytecode['zipped_bytes'])} |"
        )
    zipped = package.get("timestamp_bytecode_after_zip", {})
    if zipped:
        checks = "; ".join(f"{name}: {c['stale']} of {c['valid'] + c['stale']} stale" for name, c in zipped.items())
        lines += ["", f"Timestamp-checked .pyc files after a zip and an extraction: {checks}."]
    if package.get("stale"):
        lines += ["", "(The build is older than some sources: `make sam-check` rebuilds it.)"]
    return [*lines, ""]


def _deadline(deadline: dict[str, Any]) -> list[str]:
    lines = [
        f"### Turns on a bad day (DynamoDB behind a faulty proxy, {deadline['backend']}, ms from the event's stamp)",
        "",
        "| DynamoDB | turns | p50 | p99 | max | deadline | answered by the fallback |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, condition in deadline["conditions"].items():
        ms = condition["ms"]
        lines.append(
            f"| {name} | {condition['turns']} | {_ms(ms['p50'])} | {_ms(ms['p99'])} | {_ms(ms['max'])} "
            f"| {condition['deadline_ms']} | {condition['fallbacks']} |"
        )
    lines += [
        "",
        f"{deadline['calls']} calls of three turns (outbound session_start, user_speak that asks again, the "
        "decision) per condition. Slow: each answer held back 300 ms; the common turns still answer (2 calls), "
        "the decision (3 calls) answers with the apology, its outcome kept. Hung: every turn answers with the "
        "apology just before the deadline.",
        "",
    ]
    return lines


def _llm(llm: dict[str, Any]) -> list[str]:
    lines = [
        f"### A language model in the call (`aiflow.llm` on the fake Bedrock, {llm['deadline_ms']:.0f} ms deadline, "
        "speech in real time, ms)",
        "",
        "| model answers in | calls | `user_speak` turn p50 / p95 / max | to the model's words p50 / p95 "
        "| needed a filler | fillers per turn | ended in the fallback |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for entry in llm["by_latency"].values():
        turn, answer = entry["turn_ms"], entry["answer_ms"]
        words = f"{_ms(answer['p50'])} / {_ms(answer['p95'])}" if answer else "never"
        lines.append(
            f"| {entry['model_latency_s']:g} s | {entry['calls']} | {_ms(turn['p50'])} / {_ms(turn['p95'])} / "
            f"{_ms(turn['max'])} | {words} | {100 * entry['filler_share']:.0f} % | {entry['fillers_per_turn']:g} | "
            f"{100 * entry['fallback_share']:.0f} % |"
        )
    lines += [
        "",
        "To the model's words: from the caller's words to the webhook answering with the model's, through any "
        "filler (spoken in real time) and its `assistant_speech_ended`.",
        "",
    ]
    return lines


def _understanding(reading: dict[str, Any]) -> list[str]:
    return [
        "### Reading a first answer (`bench/understanding.py`: the rules, no network)",
        "",
        f"Over the corpus's {reading['answers']:,} answers, {reading['rounds']} rounds: median"
        f" {reading['median_us']:.0f} µs, 99th percentile {reading['p99_us']:.0f} µs, slowest"
        f" {reading['max_us']:.0f} µs per answer (the budget: well under a millisecond).",
        "",
    ]


def _second_reader(reader: dict[str, Any]) -> list[str]:
    cold, turns = reader["coldstart_ms"], reader["turns"]
    off, on = cold["model off"], cold["model on"]
    when_off = (
        "with the model off nothing of `aiflow.llm` is imported"
        if not off["imports_aiflow_llm"]
        else "**with the model off, `aiflow.llm` is imported at init**"
    )
    lines = [
        "### The second reader (`UnderstandingModelId`) in the webhook",
        "",
        f"The webhook's init (`import functions.webhook.app`, median of {off['runs']} fresh processes, this "
        f"machine's packages with bytecode): {_ms(off['median_ms'])} ms with the model off, "
        f"{_ms(on['median_ms'])} ms with it configured (+{_ms(cold['model_costs_ms'])} ms); {when_off}.",
        "",
        f'An answer the rules leave unclear ("{turns["answer"]}"), {turns["calls"]} calls per condition on '
        f"{turns['backend']}, ms from the event's stamp:",
        "",
        "| the model | p50 | p95 | max | decided by the model | asked again | within the deadline |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, condition in turns["conditions"].items():
        ms = condition["ms"]
        lines.append(
            f"| {name.removeprefix('model ')} | {_ms(ms['p50'])} | {_ms(ms['p95'])} | {_ms(ms['max'])} | "
            f"{100 * condition['decided_by_the_model_share']:.0f} % | {100 * condition['asked_again_share']:.0f} % | "
            f"{'every turn' if condition['all_within_deadline'] else 'no'} ({condition['deadline_ms']} ms) |"
        )
    return [*lines, ""]


def _model_budget(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The budget's lines for a language model in the turn: the agent's (``llm``) and the second reader's."""
    rows = []
    llm = results.get("llm")
    if llm:
        slowest = max(entry["turn_ms"]["max"] for entry in llm["by_latency"].values())
        fallbacks = sum(entry["fallback_share"] for entry in llm["by_latency"].values())
        latencies = ", ".join(f"{entry['model_latency_s']:g}" for entry in llm["by_latency"].values())
        rows.append(
            (
                f"an agent's turn answers within {llm['deadline_ms']:.0f} ms however slow the model "
                "(a filler, then the late answer)",
                f"slowest `user_speak` turn {_ms(slowest)} ms with the model answering in {latencies} s; "
                f"fallbacks: {'none' if not fallbacks else 'some'}",
                "met" if slowest < llm["deadline_ms"] and not fallbacks else "over",
            )
        )
    reader = results.get("second_reader")
    if reader:
        conditions = reader["turns"]["conditions"].values()
        slowest = max(condition["ms"]["max"] for condition in conditions)
        unloaded = not reader["coldstart_ms"]["model off"]["imports_aiflow_llm"]
        rows.append(
            (
                "the second reader: an unclear answer's turn within the deadline, model on or off; "
                "nothing of it at init when off",
                f"slowest turn {_ms(slowest)} ms; `aiflow.llm` {'not ' if unloaded else ''}imported with the model off",
                "met" if all(condition["all_within_deadline"] for condition in conditions) and unloaded else "over",
            )
        )
    return rows


def _budget(results: dict[str, Any]) -> list[str]:
    """The performance budget (its targets are the constants above), line by line, against this run's figures."""
    rows = []
    turns = results.get("turns")
    if turns:
        first = next(iter(turns.values()))["turns"]
        shapes = "; ".join(
            f"{turn['label']} {turn['dynamodb_reads']:g}R + {turn['dynamodb_writes']:g}W" for turn in first.values()
        )
        over = [
            turn["label"]
            for kind, turn in first.items()
            if turn["dynamodb_reads"] > 1 or turn["dynamodb_writes"] > WRITES_ALLOWED.get(kind, 1)
        ]
        rows.append(
            (
                "a turn: 1 read + 1 write (outbound session_start too); the deciding turn 1 read + 2 writes",
                shapes,
                f"over on {', '.join(over)}" if over else "met",
            )
        )
        work = [turn["handler_work_ms"] for result in turns.values() for turn in result["turns"].values()]
        worst_p50, worst_p99 = max(w["p50"] for w in work), max(w["p99"] for w in work)
        rows.append(
            (
                "handler work apart from DynamoDB well under 10 ms",
                f"p50 at most {_ms(worst_p50)} ms, p99 at most {_ms(worst_p99)} ms (every turn, both backends)",
                "met" if worst_p99 < 10 else "over",
            )
        )
        others: dict[str, int] = {}
        for result in turns.values():
            for name, count in result.get("other_aws_calls_in_measured_turns", {}).items():
                others[name] = others.get(name, 0) + count
        rows.append(
            (
                "a turn calls nothing but DynamoDB (token from a cache)",
                "no other AWS call in the measured turns"
                if not others
                else ", ".join(f"{name} x{count}" for name, count in others.items()),
                "met" if not others else "over",
            )
        )
    deadline = results.get("deadline")
    if deadline:
        worst = {name: condition["ms"]["max"] for name, condition in deadline["conditions"].items()}
        limit = next(iter(deadline["conditions"].values()))["deadline_ms"]
        rows.append(
            (
                f"every turn answered within {limit} ms of arrival, whatever DynamoDB does",
                "slowest turn: " + ", ".join(f"{_ms(ms)} ms {name}" for name, ms in worst.items()),
                "met" if all(c["all_within_deadline"] for c in deadline["conditions"].values()) else "over",
            )
        )
    cold = results.get("coldstart")
    if cold:
        series = cold["series"]
        source, compiled = series.get("webhook / no .pyc"), series.get("webhook / all .pyc")
        if source and compiled:
            close = compiled["ratio_to_floor"] <= CLOSE_TO_FLOOR
            rows.append(
                (
                    "webhook init close to the floor",
                    f"{source['ratio_to_floor']:.2f}x the floor without .pyc, "
                    f"{compiled['ratio_to_floor']:.2f}x with .pyc",
                    "met" if close else f"over (close: at most {CLOSE_TO_FLOOR:.2f}x)",
                )
            )
        connects = sorted({c for entry in series.values() for c in entry.get("init_connects", [])})
        rows.append(
            (
                "no network call at init",
                "none" if not connects else ", ".join(connects),
                "met" if not connects else "over",
            )
        )
    dialer = results.get("dialer")
    if dialer:
        batch = dialer["batch"]
        within = all(cap["within_cap"] for cap in dialer["cap"])
        caps = ", ".join(f"{cap['max_in_one_second']} at {cap['cap']}/s" for cap in dialer["cap"])
        rows.append(
            (
                "a batch's calls go out concurrently, up to the cap",
                f"10 POSTs within {batch['post_spread_median_s'] * 1000:.0f} ms of each other; "
                f"most calls in one second: {caps}",
                "met" if within else "over the cap",
            )
        )
        per_dial = sum(batch["aws_calls_per_dial"].values())
        rows += [
            (
                f"at most {CALLS_PER_DIAL} AWS calls per dial",
                f"{per_dial:g} per dial placed",
                "met" if per_dial <= CALLS_PER_DIAL else "over",
            ),
            (
                f"a batch of 10 within {BATCH_OVER_IDEAL}x one round trip to sipgate",
                f"{batch['ratio_to_ideal']:.2f}x on {batch.get('dynamodb', 'the moto server')}",
                "met" if batch["ratio_to_ideal"] <= BATCH_OVER_IDEAL else "short",
            ),
        ]
    scale = results.get("scale")
    if scale and scale.get("baseline"):
        final = scale["imports"][-1]
        per_reminder = sum(final["calls_per_reminder"].values())
        verdict = "met" if scale["speedup"] >= IMPORT_SPEEDUP and per_reminder <= CALLS_PER_REMINDER else "short"
        rows.append(
            (
                f"import: 10,000 reminders at least {IMPORT_SPEEDUP}x faster than the sequential import, "
                f"at most {CALLS_PER_REMINDER} AWS calls each",
                f"{final['rows']:,} rows {scale['speedup']:.1f}x faster, {per_reminder:g} calls per reminder",
                verdict,
            )
        )
    rows += _model_budget(results)
    layer = (results.get("package") or {}).get("artifacts", {}).get("AiFlowLayer")
    if layer:
        size = layer["unzipped_bytes"] / MIB
        rows.append(
            (
                f"the layer at most {LAYER_MIB} MiB unzipped, with bytecode",
                f"{size:.2f} MiB",
                "met" if size <= LAYER_MIB else "over",
            )
        )
    if not rows:
        return []
    return [
        "### Against the budget",
        "",
        "| budget | this run | |",
        "|---|---|---|",
        *(f"| {budget} | {measured} | {verdict} |" for budget, measured, verdict in rows),
        "",
    ]


def figures(results: dict[str, Any], results_dir: str) -> str:
    """The run's figures in Markdown; ``results_dir`` leads from the document to ``bench/results/``."""
    machine = results["machine"]
    lines = [
        f"Measured with `make bench` ({results['duration_s']:.0f} s) on {machine['nproc']} cores "
        f"({machine['cpu']}), Python {machine['python']}, {results['finished_at'][:10]}; "
        "every figure next to its floor in the same run. Everything on loopback: a moto server, DynamoDB Local, "
        "a fake sipgate. Raw figures: `bench/results/results.json`; method: `bench/README.md`.",
        *(
            f"(Re-run since: `python -m bench --only {' '.join(rerun['parts'])}`, {rerun['finished_at'][:16]} UTC.)"
            for rerun in results.get("reruns", [])
        ),
        "",
    ]
    lines += _budget(results)
    if "coldstart" in results:
        lines += _coldstart(results["coldstart"])
    if "turns" in results:
        lines += _turns(results["turns"], results_dir)
    if "deadline" in results:
        lines += _deadline(results["deadline"])
    if "dialer" in results:
        lines += _dialer(results["dialer"])
    if "scale" in results:
        lines += _scale(results["scale"])
    if "day" in results:
        lines += _day(results["day"])
    if "burst" in results:
        lines += _burst(results["burst"])
    if "package" in results:
        lines += _package(results["package"])
    if "llm" in results:
        lines += _llm(results["llm"])
    if "second_reader" in results:
        lines += _second_reader(results["second_reader"])
    if "understanding" in results:
        lines += _understanding(results["understanding"])
    return "\n".join(lines).rstrip() + "\n"


def summary(results: dict[str, Any]) -> str:
    """``bench/results/summary.md``: the figures under their title, the plot beside the file."""
    return f"{TITLE}\n\n{figures(results, '')}"


def embedded(document: str, generated: str) -> str:
    """``document`` with ``generated`` between its markers, the text around them as it was."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document lacks the markers {BEGIN!r} and {END!r}")
    return f"{head}{BEGIN}\n\n{generated}\n{END}{tail}"


def performance_doc(results: dict[str, Any], document: str) -> str:
    """``docs/performance.md`` with this run's figures in its generated section."""
    return embedded(document, figures(results, "../bench/results/"))


def write(results: dict[str, Any], output: Path, *, fill_docs: bool) -> str:
    """Write ``summary.md`` into ``output`` and, with ``fill_docs``, the figures into docs/performance.md."""
    text = summary(results)
    (output / "summary.md").write_text(text, encoding="utf-8")
    if fill_docs:
        document = PERFORMANCE_DOC.read_text(encoding="utf-8")
        PERFORMANCE_DOC.write_text(performance_doc(results, document), encoding="utf-8")
    return text


def plot(turns: dict[str, Any], path: Path) -> None:
    """Each turn's latency distribution (ECDF) against its floor's, one panel per DynamoDB backend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator

    colours = {"session_start": "tab:blue", "user_speak": "tab:green", "user_speak_decision": "tab:orange"}
    figure, axes = plt.subplots(1, len(turns), figsize=(6.5 * len(turns), 4.8), sharex=True, sharey=True, squeeze=False)
    for axis, result in zip(axes[0], turns.values(), strict=True):
        for kind in KINDS:
            raw = result["raw_ms"][kind]
            turn = result["turns"][kind]
            for values, style, label in (
                (raw["turn"], "-", f"{LABELS[kind]}: {turn['dynamodb_reads']:g}R+{turn['dynamodb_writes']:g}W"),
                (raw["floor"], "--", "  its floor (raw boto3 calls)"),
            ):
                ordered = sorted(values)
                fractions = [(index + 1) / len(ordered) for index in range(len(ordered))]
                axis.step(ordered, fractions, style, where="post", color=colours[kind], label=label, linewidth=1.6)
        axis.set_xscale("log")
        axis.xaxis.set_major_locator(FixedLocator([2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500]))
        axis.xaxis.set_major_formatter(lambda value, _: f"{value:g}")
        axis.xaxis.set_minor_locator(NullLocator())
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_title(f"DynamoDB: {result['backend']} ({result['samples']} turns each)")
        axis.set_xlabel("latency of one turn, ms (log scale)")
        axis.grid(True, which="both", alpha=0.3)
        for level, name in ((0.5, "p50"), (0.95, "p95"), (0.99, "p99")):
            axis.axhline(level, color="grey", linewidth=0.6, linestyle=":")
            axis.annotate(
                name, (0.005, level), xycoords=("axes fraction", "data"), fontsize=7, color="grey", va="bottom"
            )
        axis.legend(loc="lower right", fontsize=8)
    axes[0][0].set_ylabel("fraction of turns at most this long")
    figure.suptitle("Webhook turns (lambda_handler) against the same DynamoDB calls made raw", fontsize=12)
    figure.tight_layout()
    figure.savefig(path, dpi=130)
    plt.close(figure)
