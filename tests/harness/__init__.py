"""What the tests run against, in one package (imported as ``tests.harness.<module>``; no tests here).

- :mod:`~tests.harness.aws`: the moto server and DynamoDB Local on loopback (one of each per test process),
  ``aws_env``, the tables (one per process, emptied for each test; a fresh one where a test reads the
  table's stream), queues with redrive policies, the moto-side views of SQS.
- :mod:`~tests.harness.template`: template.yaml, parsed once.

``tests/conftest.py`` registers the modules that define fixtures as pytest plugins, so every test
folder sees the same fixtures and no test module imports another.
"""
