FROM python:3.11-slim
WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
COPY cypher ./cypher
COPY loaders ./loaders
COPY policies ./policies
RUN pip install --no-cache-dir .
ENV OWNERSHIP_LOG_FORMAT=json \
    OWNERSHIP_POLICIES_DIR=/srv/policies
EXPOSE 8000
CMD ["ownership", "serve"]
