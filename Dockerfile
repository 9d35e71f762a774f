# decisionbot as a container: the same `decisionbot serve` the README documents, as a non-root
# user, with its SQLite file (if DATABASE_URL names none else) in the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY storage ./storage
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin decisionbot \
    && mkdir -p /data \
    && chown decisionbot /data

USER decisionbot
WORKDIR /data
VOLUME ["/data"]
# MALLOC_ARENA_MAX=2: glibc keeps two memory arenas for the bot's database threads instead of
# one each, so it holds less memory that nothing uses (BENCHMARKS.md, the soak).
ENV DATABASE_URL=sqlite:////data/decisionbot.db \
    HOST=0.0.0.0 \
    PORT=3000 \
    MALLOC_ARENA_MAX=2
EXPOSE 3000

# /healthz answers 200 when the database can be written, 503 with the reason when it can't.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["decisionbot", "serve"]
