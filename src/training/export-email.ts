/**
 * Step 1 of the email training pipeline (models/training/train.sh email <version> runs it): read the
 * raw messages of every source, parse each with the serving parser (the worker pool, with its limits
 * and time limit), split by sender, and write every message's features with the serving feature
 * code. Python then trains on exactly these numbers.
 *
 *   tsx src/training/export-email.ts --sources models/training/email-sources.json \
 *       --data ../shared/data --out models/training/.work/email [--sample 500]
 *
 * Split key: the From address's registrable domain, or the whole address on a free mailbox provider
 * (one gmail.com would otherwise put a fifth of the senders on one side), or the message hash when
 * there is no From (for email/2 and later, the display name when there is one: the R-list archive
 * obfuscates addresses, and one poster's messages must stay on one side). HTML
 * template bodies (`kind: html-bodies`) are split by their organisation (the member's folder).
 * rows.tsv columns: indicator (the raw message, eml-gz-b64:, so golden rows re-run the parser), label,
 * source, group (ham / spam / phish), rank (0), split, site, date (the message's Date, YYYY-MM-DD or
 * empty: the later-in-time evaluation reads it).
 *
 * The sources file's `features_version` picks the feature code (email/1 by default, email/2, email/3,
 * email/4, email/5, email/6, email/7). email/3 also writes each row's hashed text vector (text_indptr.u32, text_indices.u32,
 * text_values.f32: CSR; email/5 too) for the text model train.py fits (models/training/text_model.py); email/4
 * writes each row's words and pairs instead (text_keys.txt, key_indptr.u32, key_indices.u32,
 * key_values.f32), from which train.py chooses the vocabulary of each fit, and the sources' `corpus`
 * and the file's `weighting` go to spec.json for it. email/6 writes the hashed vectors as email/3 does and each
 * row's language (text_lang.txt), which the text model sees in training only.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EMAIL_FEATURE_NAMES, EMAIL_FEATURES_VERSION, emailFeatures } from '../indicators/email/message-features';
import {
  EMAIL_V2_FEATURE_NAMES,
  EMAIL_V2_FEATURES_VERSION,
  emailFeaturesV2,
} from '../indicators/email/message-features-v2';
import {
  EMAIL_V3_FEATURE_NAMES,
  EMAIL_V3_FEATURES_VERSION,
  emailFeaturesV3,
  messageTextVector,
} from '../indicators/email/message-features-v3';
import {
  EMAIL_V4_FEATURE_NAMES,
  EMAIL_V4_FEATURES_VERSION,
  emailFeaturesV4,
  messageTextKeys,
} from '../indicators/email/message-features-v4';
import {
  EMAIL_V5_FEATURE_NAMES,
  EMAIL_V5_FEATURES_VERSION,
  emailFeaturesV5,
} from '../indicators/email/message-features-v5';
import {
  EMAIL_V6_FEATURE_NAMES,
  EMAIL_V6_FEATURES_VERSION,
  emailFeaturesV6,
  messageLanguage,
  neutralTextVector,
} from '../indicators/email/message-features-v6';
import {
  EMAIL_V7_FEATURE_NAMES,
  EMAIL_V7_FEATURES_VERSION,
  emailFeaturesV7,
} from '../indicators/email/message-features-v7';
import { messageSignals } from '../indicators/email/message-signals';
import { createParsePool } from '../indicators/email/parse-pool';
import { type SparseText, TEXT_BUCKETS } from '../indicators/email/text-hash';
import { encodeRawEmail } from '../scoring/pipelines/email';
import { type EmailSource, readMessages, siteKey, stableSample, withoutMboxLine } from './email-messages';
import { type Split, splitOf } from './split';
import { writeTextVectors } from './text-export';

const { values: args } = parseArgs({
  options: {
    sources: { type: 'string', default: 'models/training/email-sources.json' },
    data: { type: 'string', default: '../shared/data' },
    out: { type: 'string', default: 'models/training/.work/email' },
    sample: { type: 'string' },
  },
});

/** Source name -> corpus (a vocabulary word must occur in more than one corpus). */
function corpusOf(sources: EmailSource[]): Record<string, string> {
  return Object.fromEntries(sources.map((s) => [s.name, s.corpus ?? s.name]));
}

/** Messages handed to the parse pool at once (its queue holds 1,000 by default). */
const PARSE_CHUNK = 200;

interface Row {
  encoded: string;
  malicious: boolean;
  source: string;
  group: string;
  site: string;
  split: Split;
  date: string;
}

interface FeatureCode {
  version: string;
  names: readonly string[];
  write: typeof emailFeatures;
  /** The sparse text vector a version's text model reads (email/3 on), written beside the dense rows. */
  text?: (email: Parameters<typeof emailFeatures>[0]) => SparseText;
  /** The words and pairs a vocabulary text model reads (email/4 on), with their values. */
  keys?: (email: Parameters<typeof emailFeatures>[0]) => { keys: string[]; values: Float32Array };
  /** The message's language (email/6): a column of the text model in training only (text_lang.txt). */
  language?: (email: Parameters<typeof emailFeatures>[0]) => string;
}

const FEATURE_CODE: Record<string, FeatureCode> = {
  [EMAIL_FEATURES_VERSION]: { version: EMAIL_FEATURES_VERSION, names: EMAIL_FEATURE_NAMES, write: emailFeatures },
  [EMAIL_V2_FEATURES_VERSION]: {
    version: EMAIL_V2_FEATURES_VERSION,
    names: EMAIL_V2_FEATURE_NAMES,
    write: emailFeaturesV2,
  },
  [EMAIL_V3_FEATURES_VERSION]: {
    version: EMAIL_V3_FEATURES_VERSION,
    names: EMAIL_V3_FEATURE_NAMES,
    write: (e, out, offset, sig) => emailFeaturesV3(e, out, offset, null, sig),
    text: messageTextVector,
  },
  [EMAIL_V4_FEATURES_VERSION]: {
    version: EMAIL_V4_FEATURES_VERSION,
    names: EMAIL_V4_FEATURE_NAMES,
    write: (e, out, offset, sig) => emailFeaturesV4(e, out, offset, null, sig),
    keys: messageTextKeys,
  },
  [EMAIL_V5_FEATURES_VERSION]: {
    version: EMAIL_V5_FEATURES_VERSION,
    names: EMAIL_V5_FEATURE_NAMES,
    write: (e, out, offset, sig) => emailFeaturesV5(e, out, offset, null, sig),
    text: messageTextVector,
  },
  [EMAIL_V6_FEATURES_VERSION]: {
    version: EMAIL_V6_FEATURES_VERSION,
    names: EMAIL_V6_FEATURE_NAMES,
    write: (e, out, offset, sig) => emailFeaturesV6(e, out, offset, null, sig),
    text: neutralTextVector,
    language: messageLanguage,
  },
  [EMAIL_V7_FEATURES_VERSION]: {
    version: EMAIL_V7_FEATURES_VERSION,
    names: EMAIL_V7_FEATURE_NAMES,
    write: (e, out, offset, sig) => emailFeaturesV7(e, out, offset, null, sig),
    text: messageTextVector,
  },
};

/**
 * The words and pairs of every row, as ids into one dictionary, for the vocabulary text model.
 * A key only one message holds can never reach a vocabulary (train.py asks for several), so the
 * dictionary keeps keys of two messages or more; the values were normalised over all keys already.
 */
class KeyRows {
  private readonly ids = new Map<string, number>();
  private readonly df: number[] = [];
  private readonly rows: { ids: Uint32Array; values: Float32Array }[] = [];

  add(v: { keys: string[]; values: Float32Array }): void {
    const ids = new Uint32Array(v.keys.length);
    for (const [i, k] of v.keys.entries()) {
      let id = this.ids.get(k);
      if (id === undefined) {
        id = this.df.length;
        this.ids.set(k, id);
        this.df.push(0);
      }
      this.df[id] = (this.df[id] as number) + 1;
      ids[i] = id;
    }
    this.rows.push({ ids, values: v.values });
  }

  /** text_keys.txt (one key a line; line n is id n), key_indptr.u32, key_indices.u32, key_values.f32 (CSR). */
  write(dir: string): number {
    const remap = new Int32Array(this.df.length).fill(-1);
    const kept: string[] = [];
    for (const [k, id] of this.ids) {
      if ((this.df[id] as number) >= 2) {
        remap[id] = kept.length;
        kept.push(k);
      }
    }
    const indptr = new Uint32Array(this.rows.length + 1);
    const indices: number[] = [];
    const values: number[] = [];
    for (const [r, row] of this.rows.entries()) {
      const pairs: [number, number][] = [];
      for (let i = 0; i < row.ids.length; i++) {
        const j = remap[row.ids[i] as number] as number;
        if (j >= 0) pairs.push([j, row.values[i] as number]);
      }
      pairs.sort((a, b) => a[0] - b[0]);
      for (const [j, v] of pairs) {
        indices.push(j);
        values.push(v);
      }
      indptr[r + 1] = indices.length;
    }
    writeFileSync(join(dir, 'text_keys.txt'), `${kept.join('\n')}\n`);
    writeFileSync(join(dir, 'key_indptr.u32'), Buffer.from(indptr.buffer));
    writeFileSync(join(dir, 'key_indices.u32'), Buffer.from(Uint32Array.from(indices).buffer));
    writeFileSync(join(dir, 'key_values.f32'), Buffer.from(Float32Array.from(values).buffer));
    return kept.length;
  }
}

async function main(): Promise<void> {
  const file = JSON.parse(readFileSync(args.sources, 'utf8')) as {
    sources: EmailSource[];
    train_params?: object;
    features_version?: string;
    weighting?: string;
    ignored_features?: string[];
    threshold_policy?: {
      on: string;
      suspicious_fpr: number;
      malicious_fpr: number;
      source_cap?: number;
      min_source_rows?: number;
    };
  };
  const code = FEATURE_CODE[file.features_version ?? EMAIL_FEATURES_VERSION];
  if (code === undefined) throw new Error(`unknown features_version ${file.features_version}`);
  for (const name of file.ignored_features ?? []) {
    if (!code.names.includes(name)) throw new Error(`ignored_features: ${name} is not a feature of ${code.version}`);
  }
  const width = code.names.length;
  // email/1's split stays as it was trained (the message hash without a From address), so v1 retrains byte for byte.
  const splitByName = code.version !== EMAIL_FEATURES_VERSION;
  const sampleCap = args.sample === undefined ? undefined : Number(args.sample);
  const pool = createParsePool({ size: 2 });
  const rows: Row[] = [];
  const features: number[][] = [];
  const texts: SparseText[] = [];
  const languages: string[] = [];
  const keyRows = new KeyRows();
  const seen = new Set<string>();
  const stats: Record<string, { read: number; duplicates: number; failed: Record<string, number>; rows: number }> = {};
  const t0 = Date.now();
  for (const s of file.sources) {
    const cap = Math.min(sampleCap ?? Number.POSITIVE_INFINITY, s.sample ?? Number.POSITIVE_INFINITY);
    const messages = stableSample(s.name, readMessages(s, args.data), cap);
    const st = { read: messages.length, duplicates: 0, failed: {} as Record<string, number>, rows: 0 };
    stats[s.name] = st;
    const kept = messages
      .map((m) => ({ file: m.file, raw: withoutMboxLine(m.raw) }))
      .filter(({ raw }) => {
        const h = createHash('sha256').update(raw).digest('hex');
        if (seen.has(h)) {
          st.duplicates++;
          return false;
        }
        seen.add(h);
        return true;
      });
    const unique = kept.map((m) => m.raw);
    // In chunks: the pool's queue is bounded (EMAIL_QUEUE_FULL past it), a corpus is not.
    const parsed: Awaited<ReturnType<typeof pool.parse>>[] = [];
    for (let i = 0; i < unique.length; i += PARSE_CHUNK) {
      parsed.push(...(await Promise.all(unique.slice(i, i + PARSE_CHUNK).map((raw) => pool.parse(raw)))));
    }
    parsed.forEach((p, i) => {
      const raw = unique[i] as Buffer;
      if (!p.ok) {
        st.failed[p.error.reason] = (st.failed[p.error.reason] ?? 0) + 1;
        return;
      }
      const sig = messageSignals(p.value);
      const top = p.value.messages[0];
      const site = siteKey(s, kept[i]!.file, raw, p.value, sig.fromDomain, splitByName);
      const date =
        top?.date !== undefined && !Number.isNaN(top.date.getTime()) ? top.date.toISOString().slice(0, 10) : '';
      const row = new Float32Array(width);
      code.write(p.value, row, 0, sig);
      features.push(Array.from(row));
      if (code.text !== undefined) texts.push(code.text(p.value));
      if (code.keys !== undefined) keyRows.add(code.keys(p.value));
      if (code.language !== undefined) languages.push(code.language(p.value));
      rows.push({
        encoded: encodeRawEmail(raw),
        malicious: s.label === 'malicious',
        source: s.name,
        group: s.label === 'benign' ? 'ham' : s.name.startsWith('phishing') ? 'phish' : 'spam',
        site,
        split: splitOf(site),
        date,
      });
      st.rows++;
    });
    console.log(`${s.name}: ${JSON.stringify(st)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await pool.close();
  const matrix = new Float32Array(rows.length * width);
  for (const [i, f] of features.entries()) matrix.set(f, i * width);
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'features.f32'), Buffer.from(matrix.buffer));
  if (code.text !== undefined) writeTextVectors(args.out, texts);
  if (code.language !== undefined) writeFileSync(join(args.out, 'text_lang.txt'), `${languages.join('\n')}\n`);
  const vocabularyKeys = code.keys !== undefined ? keyRows.write(args.out) : 0;
  const tsv = rows.map((r) =>
    [r.encoded, r.malicious ? 1 : 0, r.source, r.group, 0, r.split, r.site.replace(/[\t\r\n]/g, ' '), r.date].join(
      '\t',
    ),
  );
  writeFileSync(
    join(args.out, 'rows.tsv'),
    `indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tdate\n${tsv.join('\n')}\n`,
  );
  writeFileSync(
    join(args.out, 'spec.json'),
    JSON.stringify(
      {
        model: 'email',
        features_version: code.version,
        feature_names: code.names,
        sources: file.sources.map((s) => ({ ...s, ...stats[s.name] })),
        sample_cap: sampleCap ?? null,
        // train.py then also reports spam vs ham, phishing vs ham, and all malicious vs each ham source.
        auc_by_label_group: true,
        train_params: file.train_params ?? {},
        // train.py: "corpus" gives every corpus of a class the same total weight (default: rows x weight).
        weighting: file.weighting ?? 'rows',
        // train.py fits without these columns (zeroed for fitting; the served row still computes them): a fact
        // that, measured, says where the training mail came from rather than what the message is.
        ...(file.ignored_features !== undefined ? { ignored_features: file.ignored_features } : {}),
        // train.py's thresholds when its command line names none (a version's own rule, so train.sh needs no flags).
        ...(file.threshold_policy !== undefined ? { threshold_policy: file.threshold_policy } : {}),
        // train.py fits a linear model on the text vectors and fills this column with its logit.
        // email/6: with `languages`, text_lang.txt names each row's language for a training-only column.
        ...(code.text !== undefined
          ? {
              text_model: {
                column: 'text_score',
                buckets: TEXT_BUCKETS,
                ...(code.language !== undefined ? { languages: 'text_lang.txt' } : {}),
              },
            }
          : {}),
        // email/4: train.py chooses a vocabulary from text_keys.txt and fills this column with its logit.
        ...(code.keys !== undefined
          ? { text_vocab_model: { column: 'text_score', keys: vocabularyKeys, corpus: corpusOf(file.sources) } }
          : {}),
      },
      null,
      2,
    ),
  );
  console.log(`exported ${rows.length} messages, ${width} features, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

void main();
