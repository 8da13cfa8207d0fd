"""Appointment reminder calls, built on the aiflow SDK's public API.

``models`` holds the reminder and its status, ``repository`` the DynamoDB items that the webhook and the
dialer share, ``conversation`` the call itself, ``dialer`` the placing of calls, ``scheduling`` the
EventBridge Scheduler side and ``cli`` the command line (``python -m reminders``).
"""
