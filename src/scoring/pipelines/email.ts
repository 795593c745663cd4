/**
 * The email message model as a pipeline, so the model repository loads, checks and swaps its versions
 * like any other. Serving does not go through `parse` (src/scoring/email-scorer.ts parses in the worker
 * pool with time limits, then calls `features` and `explain`); `parse` exists for the golden check,
 * whose rows carry the whole raw message as `eml-gz-b64:` + base64(gzip(bytes)) so that the check
 * re-runs the parser, the feature code and the model on exactly what training saw.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { itemError } from '../../errors';
import { explainEmail } from '../../indicators/email/message-explain';
import { EMAIL_FEATURE_NAMES, EMAIL_FEATURES_VERSION, emailFeatures } from '../../indicators/email/message-features';
import {
  EMAIL_V2_FEATURE_NAMES,
  EMAIL_V2_FEATURES_VERSION,
  emailFeaturesV2,
} from '../../indicators/email/message-features-v2';
import {
  EMAIL_V3_FEATURE_NAMES,
  EMAIL_V3_FEATURES_VERSION,
  emailFeaturesV3,
} from '../../indicators/email/message-features-v3';
import {
  EMAIL_V4_FEATURE_NAMES,
  EMAIL_V4_FEATURES_VERSION,
  emailFeaturesV4,
} from '../../indicators/email/message-features-v4';
import {
  EMAIL_V5_FEATURE_NAMES,
  EMAIL_V5_FEATURES_VERSION,
  emailFeaturesV5,
} from '../../indicators/email/message-features-v5';
import {
  EMAIL_V6_FEATURE_NAMES,
  EMAIL_V6_FEATURES_VERSION,
  emailFeaturesV6,
} from '../../indicators/email/message-features-v6';
import {
  EMAIL_V7_FEATURE_NAMES,
  EMAIL_V7_FEATURES_VERSION,
  emailFeaturesV7,
  lookalikeHosts,
} from '../../indicators/email/message-features-v7';
import { messageSignals } from '../../indicators/email/message-signals';
import { parseEmail } from '../../indicators/email/parse-email';
import { parseTextModel, type TextModel } from '../../indicators/email/text-hash';
import { parseVocabTextModel, type VocabTextModel } from '../../indicators/email/text-vocab';
import type { ParsedEmail } from '../../indicators/email/types';
import { fail, type Parsed } from '../../indicators/types';
import type { FeatureParts, Pipeline } from '../pipeline';

const GOLDEN_PREFIX = 'eml-gz-b64:';

/** A raw message as a golden/training indicator string. */
export function encodeRawEmail(raw: Buffer): string {
  return GOLDEN_PREFIX + gzipSync(raw, { level: 9 }).toString('base64');
}

/** The raw bytes of an `eml-gz-b64:` string; undefined when it is not one. */
export function decodeRawEmail(value: string): Buffer | undefined {
  if (!value.startsWith(GOLDEN_PREFIX)) return undefined;
  try {
    return gunzipSync(Buffer.from(value.slice(GOLDEN_PREFIX.length), 'base64'));
  } catch {
    return undefined;
  }
}

async function parseEncoded(value: string): Promise<Parsed<ParsedEmail>> {
  const raw = decodeRawEmail(value);
  if (raw === undefined) return fail(itemError('INVALID_EMAIL_MESSAGE', 'expected an eml-gz-b64: encoded message'));
  return parseEmail(raw);
}

/** The assets of an email version: the hashed text model of email/3, email/5 and email/6, the vocabulary one of email/4, nothing before. */
type EmailAssets = TextModel | VocabTextModel | null;

/** The parts of features `email/1`: model v1 keeps serving (rollback) with the numbers it learned on. */
const emailFeatures1: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_FEATURES_VERSION,
  featureNames: EMAIL_FEATURE_NAMES,
  loadAssets: () => null,
  features: (e, _assets, out, offset) => emailFeatures(e, out, offset),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

/** The parts of features `email/2`: model v2 keeps serving with the numbers it learned on. */
const emailFeatures2: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_V2_FEATURES_VERSION,
  featureNames: EMAIL_V2_FEATURE_NAMES,
  loadAssets: () => null,
  features: (e, _assets, out, offset) => emailFeaturesV2(e, out, offset),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

function readAssets(dir: string): { text_model?: unknown; text_vocab_model?: unknown } {
  return JSON.parse(readFileSync(join(dir, 'assets.json'), 'utf8'));
}

/** The parts of features `email/3` (message-features-v3.ts, the hashed text model in assets.json `text_model`). */
const emailFeatures3: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_V3_FEATURES_VERSION,
  featureNames: EMAIL_V3_FEATURE_NAMES,
  loadAssets: (dir) => parseTextModel(readAssets(dir).text_model),
  features: (e, assets, out, offset) => emailFeaturesV3(e, out, offset, assets as TextModel),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

/** The parts of features `email/4` (message-features-v4.ts, the vocabulary text model in assets.json `text_vocab_model`). */
const emailFeatures4: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_V4_FEATURES_VERSION,
  featureNames: EMAIL_V4_FEATURE_NAMES,
  loadAssets: (dir) => parseVocabTextModel(readAssets(dir).text_vocab_model),
  features: (e, assets, out, offset) => emailFeaturesV4(e, out, offset, assets as VocabTextModel),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

/** The parts of features `email/5` (message-features-v5.ts: email/3's row without shortener_urls plus the link facts of link-structure.ts, the hashed text model in assets.json `text_model`). */
const emailFeatures5: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_V5_FEATURES_VERSION,
  featureNames: EMAIL_V5_FEATURE_NAMES,
  loadAssets: (dir) => parseTextModel(readAssets(dir).text_model),
  features: (e, assets, out, offset) => emailFeaturesV5(e, out, offset, assets as TextModel),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

/** The parts of features `email/6` (message-features-v6.ts: email/3's row with a text model that does not read the language, the hashed text model in assets.json `text_model`). */
const emailFeatures6: FeatureParts<ParsedEmail, EmailAssets> = {
  featuresVersion: EMAIL_V6_FEATURES_VERSION,
  featureNames: EMAIL_V6_FEATURE_NAMES,
  loadAssets: (dir) => parseTextModel(readAssets(dir).text_model),
  features: (e, assets, out, offset) => emailFeaturesV6(e, out, offset, assets as TextModel),
  explain: (e) => explainEmail(e, messageSignals(e)),
};

/**
 * Features `email/7` (message-features-v7.ts: email/3's row with `lookalike_domains` counted by
 * lookalike-links.ts, the hashed text model in assets.json `text_model`), and `email/6` .. `email/1`
 * for older versions: each model version is fed the features its metadata names (pipelineForFeatures).
 */
export const emailPipeline: Pipeline<ParsedEmail, EmailAssets> = {
  kind: 'email_message',
  modelName: 'email',
  featuresVersion: EMAIL_V7_FEATURES_VERSION,
  featureNames: EMAIL_V7_FEATURE_NAMES,
  // Messages reach the model through the email scorer, whose limit is --max-email-bytes.
  maxLength: Number.POSITIVE_INFINITY,
  loadAssets: (dir) => parseTextModel(readAssets(dir).text_model),
  parse: (item) => parseEncoded(item.value),
  normalised: (e) => e.messages[0]?.messageId ?? '',
  enrich: () => undefined,
  features: (e, assets, out, offset) => emailFeaturesV7(e, out, offset, assets as TextModel),
  // LOOKALIKE_LINK cites the hosts the row counted, not email/3's (which named Google's own hosts).
  explain: (e) => explainEmail(e, { ...messageSignals(e), lookalikeDomains: lookalikeHosts(e) }),
  olderFeatures: [emailFeatures6, emailFeatures5, emailFeatures4, emailFeatures3, emailFeatures2, emailFeatures1],
};
