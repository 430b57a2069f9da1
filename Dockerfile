# hechi-nzc production image: gunicorn serving Django, static files via WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs pango/harfbuzz; CJK fonts for Chinese PDFs; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        gettext \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so code changes do not invalidate this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Collected with the production storage (hashed names + manifest, as WhiteNoise serves
# them at run time); the throwaway key exists only for this build step.
RUN DJANGO_ENV=production DJANGO_SECRET_KEY=build-only-not-a-secret-$(date +%s) \
    python manage.py collectstatic --noinput \
    && if find . -name '*.po' -not -path './.venv/*' | grep -q .; then \
           env -u DJANGO_ENV python manage.py compilemessages --ignore=.venv; \
       fi

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/app app \
    && mkdir -p /app/media \
    && chown app:app /app/media

USER app

EXPOSE 8000

CMD ["gunicorn", "hechi_nzc.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
