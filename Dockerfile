# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, ship only production dependencies,
# the compiled code, the contract and the models; run as a non-root user with a gRPC health check.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json buf.yaml buf.gen.yaml ./
COPY proto ./proto
COPY third_party ./third_party
COPY src ./src
COPY scripts ./scripts
# No Go here for the OpenAPI generator: CI checks openapi.json.
RUN npm run build && THREATPREDICT_CHECK_OPENAPI=0 npm run check:generated

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    THREATPREDICT_LISTEN=0.0.0.0:50051
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY proto ./proto
COPY third_party ./third_party
COPY src/gen/threatpredict.binpb ./src/gen/threatpredict.binpb
COPY models ./models
RUN rm -rf models/training && chown -R node:node /app
USER node
EXPOSE 50051
# grpc.health.v1 Check through the bundled client (no extra binary in the image).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/cli/health-check.js", "127.0.0.1:50051"]
CMD ["node", "dist/main.js"]
