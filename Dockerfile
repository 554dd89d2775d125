# storepulse server image: builds every workspace, then ships only the server, its runtime
# dependencies and the built web app, running as the unprivileged `node` user.

# A Node LTS line (the project supports Node >= 20.19); the build and the runtime use the same one.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS toolchain
# Only used if better-sqlite3 has no prebuilt binary for this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY protocol/package.json protocol/
COPY server/package.json server/
COPY agents/package.json agents/
COPY web/package.json web/

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json ./
COPY protocol protocol
COPY agents agents
COPY server server
COPY web web
# Only what the image runs: benchmarks and tests stay out.
RUN npx tsc -b protocol agents server && npm run build -w web

FROM toolchain AS runtime-deps
RUN npm ci --omit=dev --no-audit --no-fund \
      --workspace protocol --workspace agents --workspace server --include-workspace-root \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080 \
    STOREPULSE_DATA_DIR=/data \
    STOREPULSE_WEB_DIR=/app/web/build \
    STOREPULSE_CONFIG=/app/config/storepulse.yaml
WORKDIR /app
COPY --from=runtime-deps /app/node_modules node_modules
COPY --from=runtime-deps /app/package.json ./
COPY --from=build /app/protocol/package.json protocol/
COPY --from=build /app/protocol/dist protocol/dist
COPY --from=build /app/agents/package.json agents/
COPY --from=build /app/agents/dist agents/dist
COPY --from=build /app/server/package.json server/
COPY --from=build /app/server/dist server/dist
COPY --from=build /app/web/build web/build
# /sim is the demo simulator's volume: a new named volume takes this owner, so `node` can write there.
RUN mkdir -p /data /sim \
 && chown node:node /data /sim \
 && ln -s /app/server/dist/bin/storepulse-credentials.js /usr/local/bin/storepulse-credentials \
 && chmod +x server/dist/bin/*.js
USER node
VOLUME ["/data"]
EXPOSE 8080
# Healthy only while /api/health says "ok" (it answers 200 "degraded" while the broker connection is down).
HEALTHCHECK --interval=15s --timeout=10s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/api/health', { signal: AbortSignal.timeout(5000) }).then((r) => (r.ok ? r.json() : {})).then((b) => process.exit(b.status === 'ok' ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/dist/bin/start.js"]
