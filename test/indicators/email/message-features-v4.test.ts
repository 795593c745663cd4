/**
 * Features email/4: email/3's row without `shortener_urls`, the same numbers in the same order, and
 * `text_score` from a vocabulary text model: the logit of exactly the words the vocabulary holds, the
 * bias for a message it knows no word of, 0 without a model (the training export).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EMAIL_V3_FEATURE_COUNT,
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
  messageText,
} from '../../../src/indicators/email/message-features-v3';
import {
  EMAIL_V4_FEATURE_COUNT,
  EMAIL_V4_FEATURE_NAMES,
  emailFeaturesV4,
  messageTextKeys,
} from '../../../src/indicators/email/message-features-v4';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { parseVocabTextModel, vocabLogit } from '../../../src/indicators/email/text-vocab';
import type { ParsedEmail } from '../../../src/indicators/email/types';

async function fixture(name: string): Promise<ParsedEmail> {
  const r = await parseEmail(readFileSync(join(__dirname, '../../fixtures/email', name)));
  assert.ok(r.ok);
  return r.value;
}

function model(words: Record<string, number>, bias = 0) {
  const vocabulary = Object.keys(words);
  const b = Buffer.alloc(vocabulary.length * 4);
  for (const [i, w] of Object.values(words).entries()) b.writeFloatLE(w, i * 4);
  return parseVocabTextModel({ vocabulary, bias, weights_f32_b64: b.toString('base64') });
}

describe('email/4 row', () => {
  it('is email/3 without shortener_urls', () => {
    assert.equal(EMAIL_V4_FEATURE_COUNT, EMAIL_V3_FEATURE_COUNT - 1);
    assert.deepEqual(
      EMAIL_V4_FEATURE_NAMES,
      EMAIL_V3_FEATURE_NAMES.filter((n) => n !== 'shortener_urls'),
    );
  });

  for (const f of ['modern/personal.eml', 'html-phish.eml', 'modern/receipt.eml']) {
    it(`${f}: the same numbers as email/3 (text column aside), 0 in the text column without a model`, async () => {
      const e = await fixture(f);
      const v3 = new Float32Array(EMAIL_V3_FEATURE_COUNT);
      emailFeaturesV3(e, v3, 0, null);
      const v4 = new Float32Array(EMAIL_V4_FEATURE_COUNT + 2).fill(7);
      emailFeaturesV4(e, v4, 1, null);
      assert.equal(v4[0], 7, 'nothing written before the offset');
      assert.equal(v4[EMAIL_V4_FEATURE_COUNT + 1], 7, 'nothing written after the row');
      EMAIL_V4_FEATURE_NAMES.forEach((n, j) => {
        assert.equal(v4[1 + j], v3[EMAIL_V3_FEATURE_NAMES.indexOf(n)], n);
      });
    });
  }

  it('personal.eml has a shortened link that email/3 counts and email/4 does not read', async () => {
    const e = await fixture('modern/personal.eml');
    const v3 = new Float32Array(EMAIL_V3_FEATURE_COUNT);
    emailFeaturesV3(e, v3, 0, null);
    assert.equal(v3[EMAIL_V3_FEATURE_NAMES.indexOf('shortener_urls')], 1);
  });
});

describe('email/4 text_score', () => {
  it('is the vocabulary logit of the subject and visible body', async () => {
    const e = await fixture('modern/personal.eml');
    const tm = model({ samstag: 1.5, fotos: -2, 'samstag passt': 0.25 }, 0.125);
    const row = new Float32Array(EMAIL_V4_FEATURE_COUNT);
    emailFeaturesV4(e, row, 0, tm);
    const got = row[EMAIL_V4_FEATURE_NAMES.indexOf('text_score')] as number;
    assert.equal(got, Math.fround(vocabLogit(tm, messageText(e))));
    assert.notEqual(got, Math.fround(0.125), 'known words moved it off the bias');
  });

  it('is exactly the bias when the vocabulary holds none of the words', async () => {
    const e = await fixture('modern/personal.eml');
    const row = new Float32Array(EMAIL_V4_FEATURE_COUNT);
    emailFeaturesV4(e, row, 0, model({ qwzxvbnm: 9 }, -0.5));
    assert.equal(row[EMAIL_V4_FEATURE_NAMES.indexOf('text_score')], -0.5);
  });

  it('exports words and pairs without the German function words', async () => {
    const { keys } = messageTextKeys(await fixture('modern/personal.eml'));
    assert.ok(keys.includes('samstag') && keys.includes('samstag passt'));
    for (const w of ['und', 'ist', 'der', 'sie', 'hier', 'mit', 'für']) assert.ok(!keys.includes(w), w);
  });
});
