/** A grpc.health.v1 client: the Docker health check and the tests ask the server through it. */
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

const pkg = loadPackageDefinition(loadSync(protoPath, { enums: String })) as unknown as {
  grpc: { health: { v1: { Health: new (address: string, creds: unknown) => HealthClient } } };
};

/** The serving status (`SERVING`, `NOT_SERVING`, ...) of `service` ('' for the whole server). */
export function checkHealth(address: string, service = '', timeoutMs = 3000): Promise<string> {
  const client = new pkg.grpc.health.v1.Health(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err !== null) reject(err);
      else resolve(res?.status ?? 'UNKNOWN');
    });
  });
}
