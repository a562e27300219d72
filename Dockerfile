# Stepwise production image: Node 20, Debian's Chromium (KaTeX images), python3 + sympy + numpy
# and bubblewrap (sandboxed step execution), the model manifests (the default policy's weights are
# fetched into the data volume on first start). Runs as a non-root user.
# Full guide: docs/operations.md ("Running Stepwise").
#
#   docker build -t stepwise .
#   docker run -d --name stepwise -p 8080:8080 --env-file .env -v stepwise-data:/var/lib/stepwise \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     --cap-drop ALL --security-opt no-new-privileges stepwise
#
# The sandbox needs unprivileged user namespaces inside the container (bubblewrap); Docker's
# default seccomp and AppArmor profiles block them, hence the two --security-opt flags (see
# docs/sandbox.md). No capability is needed (--cap-drop ALL is fine; bwrap is not setuid here).
# Without them the bot starts, reports "sandbox unavailable" and never runs model code unsandboxed.
#
# Solver workers (scaled set-up, docker-compose.yml): same image, command ["./stepwise", "worker"].
#
# GPU variant (in-process ONNX models on CUDA; with vLLM servers the CPU image is enough):
#   docker build -t stepwise:cuda --build-arg ORT_INSTALL=cuda12 \
#     --build-arg BASE_IMAGE=nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 \
#     --build-arg SYSTEM_DEPS_ARGS="--runtime --no-browser" .
#   docker run --gpus all ... stepwise:cuda ./stepwise worker
# (a worker image: no Chromium, which Ubuntu only ships as a snap; front-ends use the CPU image),
# and set "onnx": {"executionProviders": ["cuda", "cpu"]} in the model manifests.
ARG BASE_IMAGE=node:20-bookworm-slim

# ---- build: compile TypeScript, then keep production dependencies only ------------------------
FROM node:20-bookworm-slim AS build
ARG ORT_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json ./
RUN ONNXRUNTIME_NODE_INSTALL=${ORT_INSTALL} npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src src
COPY bench bench
COPY test test
RUN npx tsc -p tsconfig.build.json && touch dist/.build-stamp && npm prune --omit=dev

# ---- runtime -----------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
ARG SYSTEM_DEPS_ARGS=--runtime
ENV DEBIAN_FRONTEND=noninteractive NODE_ENV=production
WORKDIR /app
COPY scripts/install-system-deps.sh scripts/
# hadolint ignore=DL3008
RUN scripts/install-system-deps.sh ${SYSTEM_DEPS_ARGS} && apt-get install -y -qq --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
# node itself for bases without it (the CUDA variant); a no-op copy on the node image
COPY --from=build /usr/local/bin/node /usr/local/bin/node
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json package-lock.json stepwise ./
COPY src/engine/exec/worker.py src/engine/exec/worker.py
COPY models models
COPY data data
# the default policy (Qwen2.5-Coder-1.5B) and the value head's backbone (the 0.5B) are fetched and
# converted on first start (models/*/fetch.json) by these scripts, into the model cache on the data
# volume (about 5 GB kept: downloads, converted models, the converter's venv; 7 GB free while converting)
COPY training training
RUN useradd --create-home --uid 10001 stepwise \
    && mkdir -p /var/lib/stepwise /app/.stepwise && chown stepwise /var/lib/stepwise /app/.stepwise
USER stepwise
ENV HOST=0.0.0.0 PORT=8080 STEPWISE_DB=/var/lib/stepwise/bots.sqlite STEPWISE_SKIP_SYSTEM_DEPS=1 LOG_FORMAT=json \
    STEPWISE_MODEL_CACHE=/var/lib/stepwise/cache
VOLUME ["/var/lib/stepwise"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--"]
CMD ["./stepwise", "serve", "--host", "0.0.0.0"]
