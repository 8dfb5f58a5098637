"""``jifen setup``: a real township's first run, in Chinese, on an empty database."""
