/**
 * What the miss-path benches (`miss-path-cost.ts`, `miss-path-ab.ts`) share: a worker's miss path set
 * up from one build's modules, and the new values it scores (batches of 1000 values of one kind that a
 * counter makes unique, as the loadgen's unique names, as a pipeline worker gets and decodes them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type pino from 'pino';
import type { createApp } from '../app';
import type { loadConfig } from '../config';
import type { pipelineForFeatures } from '../scoring/pipeline';
import type { runsOnWorkers } from '../scoring/pipelines/off-thread';
import type { scoreFresh, View } from '../scoring/stages';
import type { openModelRunner } from '../scoring/trees/tree-runner';
import type { encodeAnswers } from '../server/answer-encoding';
import { dataLines, SHARED_DATA } from './shared-data';
import { urlsOfCsv } from './url-list';

export type MissKind = 'domain' | 'url' | 'ip';

/** A batch's values as the event loop hands them to a worker (RawValues: UTF-8 bytes and their ends). */
export interface RawBatch {
  readonly bytes: Uint8Array;
  readonly ends: Int32Array;
}

/** A bijective mix of the counter, so neighbouring values share no prefix (as the loadgen's names). */
export function mixed(n: number): string {
  return (Math.imul(n ^ (n >>> 16), 0x45d9f3b) >>> 0).toString(36);
}

/** The kind named on a bench's command line, or an error. */
export function missKind(kind: string | undefined): MissKind {
  if (kind !== 'domain' && kind !== 'url' && kind !== 'ip') throw new Error('--kind is domain, url or ip');
  return kind;
}

/** The n-th value of a kind (reads the shared data's domain names, and for URLs its URL list, once). */
export function missValue(kind: MissKind): (n: number) => string {
  // The loadgen's mix: 60% CDN/API-style subdomains of popular names, 40% DGA-like.
  const names = dataLines(join(SHARED_DATA, 'domains', 'tranco_top100k.txt'));
  let urls: string[] = [];
  if (kind === 'url')
    try {
      urls = urlsOfCsv(gunzipSync(readFileSync(join(SHARED_DATA, 'urls', 'urls_train.csv.gz'))).toString());
    } catch {
      // Generated URLs below.
    }
  const tlds = ['com', 'net', 'biz', 'cn', 'info', 'ru'];
  const domain = (n: number) =>
    n % 5 < 3
      ? `cdn-${mixed(n)}.${names.length > 0 ? names[(n * 7919) % names.length] : 'example.com'}`
      : `${mixed(n)}${mixed(n * 31 + 7).slice(0, 3)}.${tlds[n % tlds.length]}`;
  // Unique public IPv4 addresses: a first octet in 11-99 (no special-purpose range starts there), the
  // other three a bijection of the counter's quotient (odd multiplier and xorshift mod 2^24).
  const ip = (n: number) => {
    const q = Math.floor(n / 89);
    let y = Math.imul(q, 0x9e3779b1) & 0xffffff;
    y ^= y >>> 12;
    return `${11 + (n % 89)}.${y >>> 16}.${(y >>> 8) & 255}.${y & 255}`;
  };
  return kind === 'domain'
    ? domain
    : kind === 'ip'
      ? ip
      : (n: number) =>
          urls.length > 0
            ? `${urls[(n * 7919) % urls.length]}${urls[(n * 7919) % urls.length]!.includes('?') ? '&' : '?'}_=${mixed(n)}`
            : `http://${domain(n)}/login.php?id=${mixed(n)}`;
}

/**
 * Batches of 1000 values never seen before, from `offset` on: as template strings (`strings`), or as
 * a worker receives them (`raw`).
 */
export function missBatches(kind: MissKind, offset: number) {
  const value = missValue(kind);
  let counter = offset;
  return {
    strings: () => Array.from({ length: 1000 }, () => ({ id: '', value: value(counter++) })),
    raw: (): RawBatch => {
      const values = Array.from({ length: 1000 }, () => Buffer.from(value(counter++), 'utf8'));
      const ends = new Int32Array(values.length);
      let end = 0;
      values.forEach((v, j) => {
        end += v.length;
        ends[j] = end;
      });
      return { bytes: new Uint8Array(Buffer.concat(values)), ends };
    },
  };
}

/** What scoring/inference-worker.ts `answer` does with a batch's bytes, line for line. */
export function decodedValues(values: RawBatch): { id: string; value: string }[] {
  const { bytes: utf8, ends: valueEnds } = values;
  const text = Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength);
  return Array.from(valueEnds, (end, j) => ({
    id: '',
    value: text.toString('utf8', j === 0 ? 0 : valueEnds[j - 1], end),
  }));
}

/** The modules a miss path is made of: this build's own, or another build's required from its dist. */
export interface MissPathModules {
  readonly pino: typeof pino;
  readonly createApp: typeof createApp;
  readonly loadConfig: typeof loadConfig;
  readonly pipelineForFeatures: typeof pipelineForFeatures;
  readonly runsOnWorkers: typeof runsOnWorkers;
  readonly scoreFresh: typeof scoreFresh;
  readonly openModelRunner: typeof openModelRunner;
  readonly encodeAnswers: typeof encodeAnswers;
}

/**
 * A worker's miss path for one kind, as `answer` in scoring/inference-worker.ts runs it: `score`
 * (`scoreFresh`: parse, rules, features, model, reasons) and `encode` (`encodeAnswers`), with the
 * serving version's model on onnxruntime with one thread. `configArgs` go to `loadConfig` after the
 * listen address and `--inference inline`.
 */
export async function openMissPath(mods: MissPathModules, kind: MissKind, view: View, configArgs: string[] = []) {
  const app = await mods.createApp(
    mods.loadConfig(['--listen', '127.0.0.1:0', '--inference', 'inline', ...configArgs], {}),
    mods.pino({ level: 'warn' }),
  );
  const p = app.scorer.pipelines().find((x) => x.kind === kind);
  const base = p !== undefined && mods.runsOnWorkers(p) ? p : undefined;
  const model = base === undefined ? undefined : app.repository.serving(base.modelName);
  if (base === undefined || model === undefined) throw new Error(`no worker pipeline or serving model for ${kind}`);
  const fp = mods.pipelineForFeatures(base, model.metadata.features_version);
  if (fp === undefined) throw new Error(`no features ${model.metadata.features_version}`);
  const m = model.metadata;
  const runner = await mods.openModelRunner(readFileSync(join(model.dir, 'model.onnx')), {
    width: m.feature_names.length,
    input: m.input.name,
    output: m.output.name,
    positive: m.output.positive_class_index,
    intraOpThreads: 1,
    engine: 'trees',
  });
  const scoring = { name: m.name, version: m.version, metadata: m };
  const run = (features: Float32Array, rows: number) => runner.run(features, rows);
  type Results = Awaited<ReturnType<typeof scoreFresh>>;
  return {
    model: `${m.name}/${m.version}`,
    score: (items: readonly { id: string; value: string }[]): Promise<Results> =>
      mods.scoreFresh(base, fp, scoring, model.assets, items, view, run),
    encode: (results: Results) => mods.encodeAnswers(results, view),
    close: async () => {
      await runner.release();
      await app.close();
    },
  };
}
