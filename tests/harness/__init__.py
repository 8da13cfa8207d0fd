"""What the tests run against, in one package: fixtures, fakes and helpers, no tests.

Imported as ``tests.harness.<module>`` (pyproject's pytest ``pythonpath`` has the project root). The modules
that define fixtures are pytest plugins of the whole suite (``tests/conftest.py``), so every folder sees
the same fixtures and no test module imports another.

- :mod:`~tests.harness.aws`: the moto server and DynamoDB Local on loopback (one of each per test process),
  ``aws_env``, and the table: one per process, emptied for each test; a fresh one for a test that reads the
  table's stream.
- :mod:`~tests.harness.template`: template.yaml, parsed once.
- :mod:`~tests.harness.dialer`: the SDK's fake sipgate with the tests' token and flow, queues with redrive
  policies and what moto holds on them, the poller that plays Lambda's SQS event source mapping, clocks,
  reminders, dialers built as the Lambda builds them, and the dialer Lambda as template.yaml configures it.
- :mod:`~tests.harness.webhook`: the webhook Lambda started cold on the test's table, and what every call's
  end must show.
- :mod:`~tests.harness.reliability`: faults on the wire (throttled DynamoDB, SSM denying a parameter,
  Lambda killed mid-batch), a dialer queue run to its end, what every webhook reply must be.
- :mod:`~tests.harness.tcp_proxy`: a TCP proxy that refuses, hangs or slows what it forwards.
- :mod:`~tests.harness.events`: hypothesis strategies for events, valid and mangled.
- :mod:`~tests.harness.metrics`: the EMF metrics the functions print.
- :mod:`~tests.harness.fuzz`: the count of fuzzed requests, summed over pytest-xdist's workers.
"""
