/** A grpc.health.v1 client: the Docker health check and the tests ask the server through it. */
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, credentials, loadPackageDefinition } from '@grpc/grpc-js';
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
export function checkHealth(
  address: string,
  service = '',
  timeoutMs = 3000,
  creds: ChannelCredentials = credentials.createInsecure(),
): Promise<string> {
  const client = new pkg.grpc.health.v1.Health(address, creds);
  return new Promise<string>((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      client.close();
      if (err !== null) reject(err);
      else resolve(res?.status ?? 'UNKNOWN');
    });
  });
}

/**
 * How the Docker health check reaches the server, from the server's own environment: plaintext
 * unless THREATPREDICT_TLS_CERT is set. With TLS it verifies the server against
 * THREATPREDICT_HEALTH_TLS_CA when given; without it the chain is not checked: the probe dials
 * 127.0.0.1 in the same container and sends nothing secret, it only reads SERVING or not. With mTLS
 * (THREATPREDICT_TLS_CLIENT_CA) it presents THREATPREDICT_HEALTH_TLS_CERT/KEY, or else the server's
 * own certificate and key (which the client CA must then have signed).
 */
export function probeCredentials(env: NodeJS.ProcessEnv): ChannelCredentials {
  const serverCert = env.THREATPREDICT_TLS_CERT ?? '';
  if (serverCert === '') return credentials.createInsecure();
  const read = (p: string | undefined) => (p === undefined || p === '' ? null : readFileSync(p));
  const ca = read(env.THREATPREDICT_HEALTH_TLS_CA);
  const mtls = (env.THREATPREDICT_TLS_CLIENT_CA ?? '') !== '';
  const cert = mtls ? read(env.THREATPREDICT_HEALTH_TLS_CERT || serverCert) : null;
  const key = mtls ? read(env.THREATPREDICT_HEALTH_TLS_KEY || env.THREATPREDICT_TLS_KEY) : null;
  return credentials.createSsl(
    ca,
    key,
    cert,
    ca === null ? { rejectUnauthorized: false, checkServerIdentity: () => undefined } : {},
  );
}
