# syntax=docker/dockerfile:1
# One image per app: docker build --build-arg APP=gateway -t toutiao-nest/gateway .
# APP is one of: gateway user news recommend media-platform mis im worker.
# A release, not a line: node:20-bookworm-slim would take each new Node 20 release on a rebuild,
# untested. Move it with the Node the tests run on.
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency works without install scripts (stack.md P7); skipping them also skips telemetry.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund
# Declared after the install and the build: a RUN after it sees APP, and would run again for each app.
ARG APP
RUN test -n "$APP" && test -f "dist/apps/$APP/src/main.js"

FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    APP=${APP}
WORKDIR /app
# Files stay owned by root: the app can read its code but not change it.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/proto ./proto
# grpc-health.js: docker-compose's healthcheck of the gRPC services asks their grpc.health.v1 status with it.
COPY --from=build /app/scripts/register-aliases.js /app/scripts/node-flags.js /app/scripts/grpc-health.js ./scripts/
# The one place the app writes: local image uploads and the trace log (.data/uploads, .data/trace);
# and .keys, where docker-compose's jwt-keys service creates the JWT key pair. Owned by node, so a
# named volume mounted over either starts out writable too.
RUN mkdir -p .data/uploads .data/trace .keys && chown -R node:node .data .keys
USER node
# sh -c expands APP and the app's V8 flags (scripts/node-flags.js: young generation and heap cap);
# exec makes node replace the shell so it receives SIGTERM itself.
CMD ["sh", "-c", "flags=$(node scripts/node-flags.js \"$APP\") && exec node $flags -r ./scripts/register-aliases.js dist/apps/${APP}/src/main.js"]
