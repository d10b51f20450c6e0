# The A/B search server (`hardneg ab serve`), used by docker-compose's `ab` profile. Not built on the
# project's CI machines (no Docker engine there).
FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY hardneg_haystack ./hardneg_haystack
COPY pipelines ./pipelines
RUN pip install --no-cache-dir ".[offline,serve]"
ENV HF_HUB_OFFLINE=1 HAYSTACK_TELEMETRY_ENABLED=False
EXPOSE 8000
CMD ["hardneg", "ab", "serve", "--host", "0.0.0.0", "--port", "8000", "--pipeline", "pipelines/query_ab.yaml", "--work-dir", "runs/demo/index", "--events", "runs/ab/events.jsonl"]
