/** The service as the measuring scripts start it, and the shares of its answers they report. */
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import type { ScoredItem } from '../../src/scoring/pipeline';

/** The app serving the versions under `models` (unsigned ones too with `allowUnsigned`), logging warnings to stderr. */
export function startServed(models: string, allowUnsigned: boolean) {
  return createApp(
    loadConfig(['--models', models, ...(allowUnsigned ? ['--allow-unsigned-models', 'true'] : [])], {}),
    pino({ level: 'warn' }, process.stderr),
  );
}

/** How many answers there are and the share raised to suspicious or above and to malicious, in percent. */
export function servedShares(answers: readonly Pick<ScoredItem, 'verdict'>[]) {
  const pct = (n: number) => Number(((100 * n) / Math.max(1, answers.length)).toFixed(3));
  return {
    hosts: answers.length,
    at_suspicious_pct: pct(answers.filter((a) => a.verdict === 'suspicious' || a.verdict === 'malicious').length),
    at_malicious_pct: pct(answers.filter((a) => a.verdict === 'malicious').length),
  };
}
