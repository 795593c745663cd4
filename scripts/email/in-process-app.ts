/**
 * The service in-process, as the email scripts score with it: a models folder, optional pins
 * (`email=3`) and, for a candidate trained where the signing key is not, unsigned versions allowed.
 * Scripts spread `modelOptions` into their parseArgs options and pass the parsed values here.
 *
 * A version the loader refuses (unsigned, golden rows that no longer match the features) leaves the
 * server on an older version when it is the newest, or on none when it is pinned, and a script would
 * report those answers as the asked version's: openApp fails instead, with the loader's reason.
 */
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';

export const modelOptions = {
  models: { type: 'string', default: 'models' },
  pins: { type: 'string', default: '' },
  'allow-unsigned': { type: 'boolean', default: false },
} as const;

export async function openApp(args: { models?: string; pins?: string; 'allow-unsigned'?: boolean }): Promise<App> {
  const config = loadConfig(
    [
      '--models',
      args.models ?? 'models',
      '--model-versions',
      args.pins ?? '',
      ...(args['allow-unsigned'] === true ? ['--allow-unsigned-models', 'true'] : []),
    ],
    {},
  );
  const app = await createApp(config, pino({ level: 'warn' }, process.stderr));
  const wrong = app.repository.list().flatMap((m) => {
    const asked = m.pin !== 0 ? m.pin : Math.max(0, ...m.versions.map((v) => v.version));
    if (asked === 0 || m.serving?.version === asked) return [];
    const v = m.versions.find((x) => x.version === asked);
    const why = v === undefined ? 'no such version' : `${v.state}: ${v.reason}`;
    return [
      `${m.name} ${asked} was asked for (${m.pin !== 0 ? 'pinned' : 'newest'}) but ${m.name} ${m.serving?.version ?? 'none'} serves (${why})`,
    ];
  });
  if (wrong.length > 0) {
    await app.close();
    throw new Error(wrong.join('; '));
  }
  return app;
}
