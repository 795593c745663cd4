/**
 * `node dist/cli/health-check.js [HOST:PORT] [SERVICE]`: exits 0 when grpc.health.v1 reports SERVICE
 * ('' by default: the whole server) SERVING, 1 otherwise. Used by the Dockerfile's HEALTHCHECK and the
 * Kubernetes exec probes (deploy/kubernetes), so the image needs no grpc_health_probe binary: native
 * gRPC probes cannot speak TLS, this can. It speaks TLS when the server does (the same
 * THREATPREDICT_TLS_* environment; see probeCredentials). The service is an argument because the
 * probes differ: readiness asks '', liveness asks threatpredict.v1.ModelService.
 */
import { checkHealth, probeCredentials } from './health-client';

checkHealth(process.argv[2] ?? '127.0.0.1:50051', process.argv[3] ?? '', 3000, probeCredentials(process.env)).then(
  (status) => {
    process.stdout.write(`${status}\n`);
    process.exit(status === 'SERVING' ? 0 : 1);
  },
  (err: Error) => {
    process.stdout.write(`${err.message}\n`);
    process.exit(1);
  },
);
