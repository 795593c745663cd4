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
# onnxruntime-node ships binaries for every platform (288 MB); a Linux image needs only Linux's (70 MB).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/onnxruntime-node/bin/napi-v*/darwin node_modules/onnxruntime-node/bin/napi-v*/win32

FROM node:20-bookworm-slim
# TLS by default: the server listens beyond loopback, and refuses plaintext there. Mount the
# certificate and key here (a cert-manager Secret has these names; the files are re-read when they
# change). For mTLS add THREATPREDICT_TLS_CLIENT_CA=/etc/threatpredict/tls/ca.crt; for tokens,
# THREATPREDICT_AUTH_FILE=/etc/threatpredict/identities (README "Security").
ENV NODE_ENV=production \
    THREATPREDICT_LISTEN=0.0.0.0:50051 \
    THREATPREDICT_TLS_CERT=/etc/threatpredict/tls/tls.crt \
    THREATPREDICT_TLS_KEY=/etc/threatpredict/tls/tls.key
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY proto ./proto
COPY third_party ./third_party
COPY src/gen/threatpredict.binpb ./src/gen/threatpredict.binpb
COPY models ./models
# The public key the committed models are signed with (the default --model-signing-key).
COPY keys ./keys
# The files stay root's and read-only to the server: it writes nothing at run time (logs go to
# stdout), so the container runs with a read-only root filesystem (deploy/kubernetes). The numeric
# uid of the image's `node` user lets Kubernetes check runAsNonRoot.
RUN rm -rf models/training
USER 1000:1000
EXPOSE 50051
# grpc.health.v1 Check through the bundled client (no extra binary in the image); it speaks TLS/mTLS
# from the same THREATPREDICT_TLS_* environment (src/cli/health-client.ts probeCredentials).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "dist/cli/health-check.js", "127.0.0.1:50051"]
CMD ["node", "dist/main.js"]
