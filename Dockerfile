# syntax=docker/dockerfile:1
# One image, two roles chosen by command:
#   API     node dist/api/main.js      (default; port 8080)
#   worker  node --max-old-space-size=160 --max-semi-space-size=4 dist/worker/main.js   (probe/metrics port 9464)
# Runs as uid 1000 with a read-only root filesystem; only /tmp needs to be writable
# (an emptyDir in Kubernetes, a tmpfs in docker-compose.yml).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `npm run build` compiles and copies the dashboard's static files next to their module.
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are skipped: the native addon (msgpackr-extract) ships prebuilt binaries
# as optional packages, and the rest are telemetry.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the runtime user: the application cannot modify itself.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER 1000:1000
EXPOSE 8080 9464
# node as PID 1 (no npm, no shell) so SIGTERM reaches the process and workers can drain.
CMD ["node", "dist/api/main.js"]
