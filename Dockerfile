# syntax=docker/dockerfile:1
# Triage Console: one image for web (gunicorn), worker and beat (Celery).
#   docker build -t triage-console .
# Stage 1 installs the project (pip install .) into a virtualenv, with a compiler at hand for
# wheels missing on the platform; stage 2 is the slim runtime, non-root, static files collected.

ARG PYTHON_IMAGE=python:3.12-slim-trixie

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY . .
RUN pip install .

FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=console.settings \
    CONSOLE_DATA_DIR=/data \
    STATIC_ROOT=/app/staticfiles
RUN groupadd --system --gid 10001 triage \
 && useradd --system --uid 10001 --gid triage --home-dir /app --shell /usr/sbin/nologin triage \
 && mkdir -p /data/beat \
 && chown -R triage:triage /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# Run from the source tree: settings find templates/ and static/ beside the packages.
COPY manage.py ./
COPY console/ ./console/
COPY errors/ ./errors/
COPY logs/ ./logs/
COPY traces/ ./traces/
COPY alerts/ ./alerts/
COPY triage_logging/ ./triage_logging/
COPY templates/ ./templates/
COPY static/ ./static/
COPY deploy/console/healthcheck.py /usr/local/bin/triage-healthcheck
COPY deploy/console/start-web.sh /usr/local/bin/triage-web
# Settings need a database and a broker named to load; collectstatic touches neither.
RUN DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    SECRET_KEY=collectstatic-only \
    python manage.py collectstatic --noinput \
 && chmod 0755 /usr/local/bin/triage-healthcheck /usr/local/bin/triage-web \
 && python -m compileall -q /app

USER triage
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
  CMD ["triage-healthcheck", "web"]
CMD ["triage-web"]
