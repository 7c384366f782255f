# Kurzlage bot image: `docker build -t kurzlage .` then
#   docker run -d --name kurzlage --env-file /path/to/kurzlage.env -v kurzlage-data:/data kurzlage
# The token comes from the environment (KURZLAGE_TOKEN, see config/example.env), never from
# the image. Config and SQLite database live on the /data volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PTB_TIMEDELTA=true

WORKDIR /app
# The same install steps as .ci/run, from the hashed lock: a green CI means these work.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY templates ./templates
COPY seeds ./seeds
COPY config ./config
RUN pip install --no-deps . \
    && useradd --create-home --uid 10001 kurzlage \
    && mkdir -p /data/inbox \
    && cp config/kurzlage.toml /data/kurzlage.toml \
    && sed -i 's|^database = .*|database = "/data/kurzlage.sqlite3"|; s|^inbox = .*|inbox = "/data/inbox"|; s|^seeds = .*|seeds = "/app/seeds"|' /data/kurzlage.toml \
    && chown -R kurzlage:kurzlage /data

USER kurzlage
# Settings: /data/kurzlage.toml (edit channels and admins there, or mount your own file).
ENV KURZLAGE_CONFIG=/data/kurzlage.toml
VOLUME ["/data"]
# Healthy while the bot's heartbeat in the database is fresh, the outbox moves and no job has
# failed for longer than its threshold (`kurzlage health`, bot/adapters/health.py). The first
# heartbeat is written at start, then every bot.outbox_interval (30 s).
HEALTHCHECK --interval=60s --timeout=15s --start-period=90s --retries=3 \
    CMD ["kurzlage", "health"]
# SIGTERM (docker stop) ends the bot within 8 s, before Docker's kill at 10 s.
STOPSIGNAL SIGTERM
CMD ["kurzlage", "run"]
