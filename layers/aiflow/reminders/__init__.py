"""Appointment reminder calls, built on the aiflow SDK's public API.

The map, from the inside out (each package imports only the ones above it):

=================  ===================================================================================
``model``          the reminder, its statuses and outcomes, its history's events, the attempt limit and
                   the calling window: the rules every other part shares
``texting``        what the SMS say, in German and English, and how many SMS they take
``settings``       the one settings model: every template parameter a function or the CLI reads
``messages``       what comes in (the call queue's messages) and what goes out (``Reminder outcome``)
``store``          the DynamoDB items and every conditional write on them; the do-not-call list
``aws``            the adapters to AWS services: SQS and Scheduler delivery, SSM secrets
``scheduling``     scheduling for users and other systems: schedule, receive, call now, cancel
``conversation``   the call itself: the conversation, its understanding of answers, its speech,
                   mailboxes
``dialing``        placing calls (the dialer) and rescuing stranded reminders (the reconciler)
``operations``     the operators' command line, the CSV import and the report (not in the Lambda layer)
=================  ===================================================================================

Nothing here knows of Lambda: ``functions/*/app.py`` wire these parts to their events. An import contract
(``.importlinter``, checked by ``make test``) keeps the directions.
"""
