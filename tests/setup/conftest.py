"""The empty-database fixture (``tests/setup/township.py``, shared with the e2e test)."""

from tests.setup.township import empty_database

__all__ = ["empty_database"]
