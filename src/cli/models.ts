/**
 * `threatpredict models list|reload|pin|unpin [--server A[,B,...]]`: the model lifecycle of one server
 * or of a fleet. Behind a balancer a call reaches one instance, so a fleet roll-out names every
 * instance (each pod's address from the headless Service, each backend's): the command goes to each
 * in turn and prints each model with the server and instance that reported it. It stops at the first
 * instance that fails, says which ones already moved, and exits 2: the operator re-runs it, or rolls
 * those back, and no instance is left on a version nobody asked for without being told.
 */
import { parseArgs } from 'node:util';
import type { ServiceError } from '@grpc/grpc-js';
import { Model, ModelServiceClient } from '../gen/threatpredict/v1/model_service';
import { remoteAccess } from './remote-access';
import { retryUnavailable } from './retry';
import { clientChannelOptions } from './service-config';

export const MODELS_USAGE =
  'usage: threatpredict models list|reload|pin NAME VERSION|unpin NAME [--server HOST:PORT[,HOST:PORT...]]';

type Pins = { name: string; version: number }[];

/** What to call: list (no pins) or reload with these pins; undefined for a usage error. */
function action(positionals: string[]): { reload: boolean; pins: Pins } | undefined {
  const [verb, name, version] = positionals;
  if (verb === 'list' && positionals.length === 1) return { reload: false, pins: [] };
  if (verb === 'reload' && positionals.length === 1) return { reload: true, pins: [] };
  if (verb === 'pin' && name !== undefined && version !== undefined && /^[1-9][0-9]*$/.test(version))
    return { reload: true, pins: [{ name, version: Number(version) }] };
  if (verb === 'unpin' && name !== undefined && positionals.length === 2)
    return { reload: true, pins: [{ name, version: 0 }] };
  return undefined;
}

function unary<Res>(fn: (cb: (err: ServiceError | null, res: Res) => void) => void): Promise<Res> {
  return new Promise((resolve, reject) => fn((err, res) => (err ? reject(err) : resolve(res))));
}

async function onServer(address: string, what: { reload: boolean; pins: Pins }): Promise<string[]> {
  const access = remoteAccess(process.env);
  const client = new ModelServiceClient(address, access.creds, clientChannelOptions());
  const deadline = () => ({ deadline: Date.now() + 60_000 });
  try {
    // Every ModelService call may be repeated (a reload with the same pins ends in the same state).
    const info = await retryUnavailable(() =>
      unary<{ instanceId: string }>((cb) => client.getServerInfo({}, access.metadata(), deadline(), cb)),
    );
    const res = await retryUnavailable(() =>
      unary<{ models: Model[] }>((cb) =>
        what.reload
          ? client.reloadModels({ pins: what.pins }, access.metadata(), deadline(), cb)
          : client.listModels({}, access.metadata(), deadline(), cb),
      ),
    );
    return res.models.map((m) =>
      JSON.stringify({ server: address, instance: info.instanceId, ...(Model.toJSON(m) as object) }),
    );
  } finally {
    client.close();
  }
}

export async function models(argv: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { server: { type: 'string', multiple: true } },
  });
  const what = action(positionals);
  if (what === undefined) throw new Error(MODELS_USAGE);
  const servers = (values.server ?? ['127.0.0.1:50051'])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  const done: string[] = [];
  for (const server of servers) {
    try {
      for (const line of await onServer(server, what)) out(line);
    } catch (err) {
      if (servers.length === 1) throw err;
      const moved = what.reload ? ` (already reloaded: ${done.length > 0 ? done.join(', ') : 'none'})` : '';
      throw new Error(`${server}: ${(err as Error).message}${moved}`);
    }
    done.push(server);
  }
  return 0;
}
