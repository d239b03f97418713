# Production image for chibo. One image runs every process: the default command is the web server
# (gunicorn); docker-compose.yml runs the Celery worker and beat from the same image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=chibo.settings \
    VAR_DIR=/var/lib/chibo

# Run-time system packages: the Makefile's APT_RUN without python3-venv. WeasyPrint's libraries
# (libharfbuzz-subset0 makes font subsetting ~2x faster), fonts-liberation2 (not fonts-liberation, which
# lacks most Vietnamese letters: see TOOLCHAIN.md), gettext for the translation catalogue.
# postgresql-client is 15 on bookworm, the same major version as the postgres:15 service (pg_dump for backups).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-liberation2 \
        gettext \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Non-root user with a fixed uid/gid, so files already on the volumes stay writable after a rebuild.
RUN groupadd --system --gid 1000 chibo \
    && useradd --system --uid 1000 --gid chibo --home-dir /var/lib/chibo --no-create-home \
        --shell /usr/sbin/nologin chibo

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code stays owned by root: the app user can read it but not change it.
COPY . .

# Build-time steps need settings to load: a throwaway SECRET_KEY, DEBUG off (so collectstatic uses the
# manifest storage that production serves). Nothing here touches the database.
# - compilemessages: the .mo catalogue, in case the build context has only the .po file.
# - collectstatic: into VAR_DIR/static (STATIC_ROOT), baked into the image and owned by root.
# - the Celery folders the settings create when REDIS_URL is unset are build noise: removed.
# - media (uploads, generated PDFs) and beat (the beat schedule) hold state: owned by the app user.
RUN SECRET_KEY=build-only-not-secret DEBUG=false python manage.py compilemessages \
    && SECRET_KEY=build-only-not-secret DEBUG=false python manage.py collectstatic --noinput \
    && rm -rf "$VAR_DIR/celery" \
    && mkdir -p "$VAR_DIR/media" "$VAR_DIR/beat" \
    && chown chibo:chibo "$VAR_DIR" "$VAR_DIR/media" "$VAR_DIR/beat"

# Only VAR_DIR/media is a volume, not the whole VAR_DIR: VAR_DIR/static comes from this image, and a
# volume over it would keep the first build's static files (and manifest) after every later rebuild.
# docker-compose.yml keeps the files in MinIO instead (S3_BUCKET) and mounts a named volume on VAR_DIR/beat;
# this volume holds them for a container run without object storage.
VOLUME ["/var/lib/chibo/media"]

USER chibo
EXPOSE 8000

# No HEALTHCHECK here: the worker and beat run this image too and serve no HTTP.
# docker-compose.yml gives the web service its own health check.
CMD ["gunicorn", "chibo.wsgi:application", "-c", "python:chibo.gunicorn_conf"]
