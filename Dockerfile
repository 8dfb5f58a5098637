# The Jifen app server image that compose.yaml builds.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    JIFEN_HOST=0.0.0.0 JIFEN_PORT=8000 JIFEN_VAR_DIR=/var/lib/jifen

WORKDIR /srv/jifen
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY kiosk ./kiosk
RUN pip install . && useradd --system --home /var/lib/jifen jifen \
    && mkdir -p /var/lib/jifen && chown jifen /var/lib/jifen
USER jifen
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["sh", "-c", "jifen migrate && exec jifen serve --workers ${JIFEN_WORKERS:-2}"]
