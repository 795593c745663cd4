/**
 * How the CLI reaches a server that has TLS or authentication on, from the environment (so that a
 * token never appears in a command line or shell history):
 *   THREATPREDICT_SERVER_CA      PEM CA the server's certificate chains to; set = TLS
 *   THREATPREDICT_SERVER_NAME    name the server's certificate must carry, when the address is not it
 *                                (pods dialled by IP whose certificate names their Service)
 *   THREATPREDICT_CLIENT_CERT/KEY  client certificate and key, for a server with mTLS
 *   THREATPREDICT_TOKEN          bearer token sent with every call
 */
import { readFileSync } from 'node:fs';
import { checkServerIdentity } from 'node:tls';
import { type ChannelCredentials, credentials, Metadata } from '@grpc/grpc-js';

export interface RemoteAccess {
  creds: ChannelCredentials;
  /** Fresh call metadata (the bearer token when there is one). */
  metadata(): Metadata;
}

export function remoteAccess(env: NodeJS.ProcessEnv): RemoteAccess {
  const read = (name: string) => {
    const p = env[name] ?? '';
    return p === '' ? null : readFileSync(p);
  };
  const ca = read('THREATPREDICT_SERVER_CA');
  const cert = read('THREATPREDICT_CLIENT_CERT');
  const key = read('THREATPREDICT_CLIENT_KEY');
  if ((cert === null) !== (key === null))
    throw new Error('THREATPREDICT_CLIENT_CERT and THREATPREDICT_CLIENT_KEY go together');
  if (cert !== null && ca === null) throw new Error('a client certificate needs THREATPREDICT_SERVER_CA (TLS)');
  const serverName = env.THREATPREDICT_SERVER_NAME ?? '';
  if (serverName !== '' && ca === null)
    throw new Error('THREATPREDICT_SERVER_NAME needs THREATPREDICT_SERVER_CA (TLS)');
  const token = env.THREATPREDICT_TOKEN ?? '';
  // The chain is still verified against the CA; only the name checked changes.
  const verify =
    serverName === ''
      ? {}
      : {
          checkServerIdentity: (_host: string, c: Parameters<typeof checkServerIdentity>[1]) =>
            checkServerIdentity(serverName, c),
        };
  return {
    creds: ca === null ? credentials.createInsecure() : credentials.createSsl(ca, key, cert, verify),
    metadata() {
      const md = new Metadata();
      if (token !== '') md.set('authorization', `Bearer ${token}`);
      return md;
    },
  };
}
