# ephi-lint in a container: `docker run --rm -v "$PWD:/scan" ephi-lint scan .`
# Slim, non-root, and ephi-lint as the entrypoint. Built from this checkout, with the
# same tested versions as the test suite (constraints.txt).
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE constraints.txt ./
COPY linter ./linter
COPY rules ./rules
COPY fixtures ./fixtures
RUN pip wheel --no-cache-dir --wheel-dir /wheels -c constraints.txt '.[aws]'

FROM python:3.12-slim
# No compiler, no cache, no pip left behind: only the wheels this image runs.
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels 'ephi-lint[aws]' \
    && rm -rf /wheels \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin scanner
USER 10001
WORKDIR /scan
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
ENTRYPOINT ["ephi-lint"]
CMD ["scan", "."]
