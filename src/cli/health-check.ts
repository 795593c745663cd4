/**
 * `node dist/cli/health-check.js HOST:PORT`: exits 0 when grpc.health.v1 reports SERVING, 1 otherwise.
 * Used by the Dockerfile's HEALTHCHECK so the image needs no grpc_health_probe binary. It speaks TLS
 * when the server does (the same THREATPREDICT_TLS_* environment; see probeCredentials).
 */
import { checkHealth, probeCredentials } from './health-client';

checkHealth(process.argv[2] ?? '127.0.0.1:50051', '', 3000, probeCredentials(process.env)).then(
  (status) => {
    process.stdout.write(`${status}\n`);
    process.exit(status === 'SERVING' ? 0 : 1);
  },
  (err: Error) => {
    process.stdout.write(`${err.message}\n`);
    process.exit(1);
  },
);
