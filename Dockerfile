# Stepwise production image: Node 20, Debian's Chromium (KaTeX images), python3 + sympy + numpy
# and bubblewrap (sandboxed step execution), the shipped default models.
#
#   docker build -t stepwise .
#   docker run --rm -p 8080:8080 --env-file .env \
#     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
#     stepwise
#
# The sandbox needs user namespaces inside the container (bubblewrap); Docker's default seccomp
# and AppArmor profiles block them, hence the two --security-opt flags (see docs/sandbox.md for a
# locked-down alternative: a separate runner container). Without them the bot starts, says the
# sandbox is unavailable, and refuses to execute model code — it never runs it unsandboxed.
#
# GPU variant: build with --build-arg ORT_INSTALL=cuda12 on a host with internet access and run
# with --gpus all; set "executionProviders": ["cuda", "cpu"] in the model manifests.
FROM node:20-bookworm-slim
ARG ORT_INSTALL=skip
ENV DEBIAN_FRONTEND=noninteractive NODE_ENV=production
WORKDIR /app
COPY scripts/install-system-deps.sh scripts/
RUN scripts/install-system-deps.sh && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN ONNXRUNTIME_NODE_INSTALL=${ORT_INSTALL} npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json stepwise ./
COPY src src
COPY bench bench
COPY models models
COPY data/benchmarks data/benchmarks
RUN npx tsc -p tsconfig.build.json && touch dist/.build-stamp && npm prune --omit=dev
RUN useradd --create-home --uid 10001 stepwise && mkdir -p /app/.stepwise && chown stepwise /app/.stepwise
USER stepwise
ENV PORT=8080 STEPWISE_SKIP_SYSTEM_DEPS=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["./stepwise", "serve", "--host", "0.0.0.0"]
