# syntax=docker/dockerfile:1
# Gongjin 共进 — production image. Build stage: every dependency, `npm run build` (server → dist/,
# web app → dist/web). Runtime stage: runtime dependencies only, dist/, Debian's CJK fonts for PDFs,
# an unprivileged user. Data (the embedded database when DATABASE_URL is unset, stored files) in /data.
#
#   docker build -t gongjin .
#   docker run -p 3000:3000 -v gongjin-data:/data gongjin            # embedded database + demo county
#   docker compose up -d                                              # PostgreSQL, two instances, nginx

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
# dependencies first: this layer is rebuilt only when the lock file or the patches change
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json vite.config.ts ./
COPY bin ./bin
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# fonts-noto-cjk: PDFs (archives, minutes, reports) need a CJK font (src/server/pdf)
RUN apt-get update \
  && apt-get install -y --no-install-recommends fonts-noto-cjk \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    GONGJIN_DATA_DIR=/data
COPY package.json package-lock.json ./
COPY patches ./patches
# runtime dependencies only; patch-package (a dependency) applies the runtime patches, skips .dev.patch
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
# the node image's unprivileged user (uid 1000)
USER node
VOLUME ["/data"]
EXPOSE 3000
# liveness: the process and its database answer (readiness, /api/ready, is for the load balancer)
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM (docker stop) shuts down gracefully: requests in flight finish, jobs go back to the queue
STOPSIGNAL SIGTERM
CMD ["node", "bin/gongjin.js", "serve"]
