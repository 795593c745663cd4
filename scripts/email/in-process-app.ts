/**
 * The service in-process, as the email scripts score with it: a models folder, optional pins
 * (`email=3`) and, for a candidate trained where the signing key is not, unsigned versions allowed.
 * Scripts spread `modelOptions` into their parseArgs options and pass the parsed values here.
 */
import pino from 'pino';
import { type App, createApp } from '../../src/app';
import { loadConfig } from '../../src/config';

export const modelOptions = {
  models: { type: 'string', default: 'models' },
  pins: { type: 'string', default: '' },
  'allow-unsigned': { type: 'boolean', default: false },
} as const;

export function openApp(args: { models?: string; pins?: string; 'allow-unsigned'?: boolean }): Promise<App> {
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
  return createApp(config, pino({ level: 'warn' }, process.stderr));
}
