"""For operators, not shipped in the Lambda layer: the command line ``reminders`` (``cli``), the CSV import
(``csv_import``) and the outcome report (``report``). Import the modules themselves: this package's
``__init__`` stays empty so that importing one does not load click and rich for the others."""
