"""Backups of the database (备份) and restoring one, each proven by the ledger's own checks.

A backup is a file named ``jifen-YYYYmmdd-HHMMSS.sqlite`` (the embedded SQLite database, copied
online) or ``.dump`` (``pg_dump --format=custom`` of PostgreSQL), the time in UTC. It is written
under a ``.partial`` name and only gets its real name once it is complete and has passed its
checks, so anything with a backup's name is a whole, checked backup; rotation deletes only
files with such names.
"""
