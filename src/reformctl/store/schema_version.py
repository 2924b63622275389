"""How many migrations this version of reformctl knows.

Kept apart from migrations.py so that opening an up-to-date store only reads
PRAGMA user_version and never imports sqlite_utils (about 50 ms of start-up).
A test checks that this equals the number of registered migrations.
"""

SCHEMA_VERSION = 13
