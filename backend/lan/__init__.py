"""Serving the village LAN: a local certificate authority, HTTPS for the tablets, the page that
hands the authority's certificate out, and what the terminal prints (``jifen serve --lan``)."""
