"""``jifen demo``: a living demo township, built through the services like real data."""

from backend.demo.township import create_user_by_codes, load_demo

__all__ = ["create_user_by_codes", "load_demo"]
