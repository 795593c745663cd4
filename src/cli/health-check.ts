/**
 * `node dist/cli/health-check.js HOST:PORT`: exits 0 when grpc.health.v1 reports SERVING, 1 otherwise.
 * Used by the Dockerfile's HEALTHCHECK so the image needs no grpc_health_probe binary.
 */
import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

type HealthClient = {
  check(
    req: { service: string },
    opts: { deadline: number },
    cb: (err: Error | null, res?: { status: string }) => void,
  ): void;
  close(): void;
};

const address = process.argv[2] ?? '127.0.0.1:50051';
const pkg = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, creds: unknown) => HealthClient } } };
};
const client = new pkg.grpc.health.v1.Health(address, credentials.createInsecure());
client.check({ service: '' }, { deadline: Date.now() + 3000 }, (err, res) => {
  client.close();
  const ok = err === null && res?.status === 'SERVING';
  process.stdout.write(`${ok ? 'SERVING' : (err?.message ?? res?.status)}\n`);
  process.exit(ok ? 0 : 1);
});
