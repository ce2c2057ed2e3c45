# One image for every radcurate process: the five Faust workers and the index API.
#   docker build -t radcurate:0.1.0 .
#   docker run --rm radcurate:0.1.0 services.deid        # python -m services.deid
# Kubernetes sets the module as the container's args (deploy/k8s/base/*.yaml).
#
# checkov:skip=CKV_DOCKER_2: no HEALTHCHECK in the image: each process serves its own /healthz on its own port, and Kubernetes probes it (liveness/readiness in deploy/k8s); Docker's HEALTHCHECK is ignored by Kubernetes.

# ---- build: install the project and its pinned dependencies into a venv ----------------------------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/radcurate
# Only what `pip install .` needs (the rest is kept out by .dockerignore too).
COPY pyproject.toml README.md ./
COPY contracts ./contracts
COPY services ./services
COPY radcurate ./radcurate
# The package data patterns in pyproject.toml (*.json, *.yaml, *.csv, ...) do not match the extension-less
# services/harmonize/vocabulary/VERSION, which harmonize reads at import time: until pyproject.toml lists it,
# copy it next to the installed package (a no-op once the wheel ships it). Then import every module of the
# installed packages from / (not the source tree), except the entry points (app.py reads the settings,
# __main__.py starts a worker): the build fails on an undeclared dependency or a data file left out of the wheel.
RUN /opt/radcurate/bin/pip install . \
 && site="$(/opt/radcurate/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
 && if [ ! -f "$site/services/harmonize/vocabulary/VERSION" ]; then \
      cp services/harmonize/vocabulary/VERSION "$site/services/harmonize/vocabulary/VERSION"; fi \
 && cd / && /opt/radcurate/bin/python -c "import importlib, pkgutil, contracts, services; \
[importlib.import_module(m.name) for p in (contracts, services) \
 for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.') if not m.name.endswith(('.app', '.__main__'))]"

# ---- runtime: the venv only, an unprivileged user, nothing written outside /tmp -----------------------------------
FROM python:3.11-slim-bookworm
LABEL org.opencontainers.image.title="radcurate" \
      org.opencontainers.image.description="radcurate pipeline workers (ingest, deid, harmonize, qc, index) and index API" \
      org.opencontainers.image.licenses="Apache-2.0"
# Pixel OCR (a de-identification profile's `ocr: flag | reject`) needs Tesseract: build with --build-arg WITH_OCR=1.
ARG WITH_OCR=0
RUN if [ "$WITH_OCR" = "1" ]; then apt-get update \
      && apt-get install -y --no-install-recommends tesseract-ocr \
      && rm -rf /var/lib/apt/lists/*; fi
RUN groupadd --system --gid 10001 radcurate \
 && useradd --system --uid 10001 --gid radcurate --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin radcurate
COPY --from=build /opt/radcurate /opt/radcurate
# The demo site registry, the default of INGEST_SITES_FILE (relative to the working directory);
# Kubernetes mounts the deployment's registry from a ConfigMap instead.
COPY config/sites.yaml /app/config/sites.yaml
WORKDIR /app
# APP_DATADIR: Faust's data directory (otherwise <app id>-data in the working directory), so the root
# filesystem can be read-only with an emptyDir on /tmp. WEB_HOST / INDEX_API_HOST: listen on the pod address.
ENV PATH=/opt/radcurate/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    APP_DATADIR=/tmp/faust \
    WEB_HOST=0.0.0.0 \
    INDEX_API_HOST=0.0.0.0 \
    LOG_FORMAT=json
USER 10001:10001
EXPOSE 6066 8000
ENTRYPOINT ["python", "-m"]
CMD ["services.index.api"]
