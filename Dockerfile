# One image for every process of the portal: web (the default command), worker and beat
# (docker-compose.yml gives them their commands). Build: docker build -t roadmap-portal .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=roadmap_portal.settings.production \
    DJANGO_MEDIA_ROOT=/app/var/media

WORKDIR /app

# The Debian packages come from the same list as CI and `make doctor`, minus its comments.
COPY requirements/system.txt requirements/system.txt
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' requirements/system.txt) \
    && rm -rf /var/lib/apt/lists/*

COPY requirements/base.lock requirements/base.lock
RUN pip install --no-cache-dir -r requirements/base.lock

RUN useradd --system --user-group --create-home --uid 10001 portal

COPY . .

# Production settings refuse to load without a secret key and allowed hosts. These build-only
# values exist for this one command and are not part of the image's environment.
RUN export DJANGO_SECRET_KEY=build-only-collectstatic-key-never-used-to-serve-a-request-0123456789 \
        DJANGO_ALLOWED_HOSTS=build.invalid \
    && python manage.py collectstatic --noinput \
    && if [ -d locale ]; then python manage.py compilemessages; fi

# The code stays owned by root and read-only for the process; only the media volume is its own.
RUN mkdir -p /app/var/media && chown portal:portal /app/var/media
USER portal

VOLUME ["/app/var/media"]
EXPOSE 8000

CMD ["gunicorn", "--config", "gunicorn.conf.py", "roadmap_portal.wsgi:application"]
