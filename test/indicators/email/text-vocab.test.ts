/**
 * The vocabulary text model of features email/4: function words of the corpora's other languages
 * are not tokens, a word the vocabulary does not hold weighs exactly 0 (email/3's hashed buckets gave
 * it a collided training word's weight), unknown words still count in the vector's length, the sum
 * runs in vocabulary order, and a damaged asset is refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { textTokens } from '../../../src/indicators/email/text-hash';
import {
  keyValues,
  parseVocabTextModel,
  textKeys,
  textTokensV4,
  vocabLogit,
} from '../../../src/indicators/email/text-vocab';

function asset(vocabulary: string[], weights: number[], bias: number) {
  const b = Buffer.alloc(weights.length * 4);
  for (const [i, w] of weights.entries()) b.writeFloatLE(w, i * 4);
  return { vocabulary, bias, weights_f32_b64: b.toString('base64') };
}

describe('textTokensV4', () => {
  const cases: [string, string[]][] = [
    ['Samstag passt! Hier ist der Ort, und bring die Fotos mit', ['samstag', 'passt', 'ort', 'bring', 'fotos']],
    ['Merci pour votre message, nous sommes avec vous', ['merci', 'message', 'sommes']],
    ['Gracias por su ayuda con el pedido', ['gracias', 'ayuda', 'pedido']],
    ['Grazie per la sua risposta, non è urgente', ['grazie', 'risposta', 'urgente']],
    // English function words stay out as in email/3; content words stay in, whatever the language.
    ['Verify your account within hours', ['verify', 'account', 'within', 'hours']],
    ['Über die Brücke für Jana: https://maps.app.goo.gl/x tom@web.de', ['brücke', 'jana']],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(textTokensV4(text), want));
  }

  it('drops the German function words email/3 read (sie, hier, und, ist, der, die, mit, für)', () => {
    const text = 'Sie hier und ist der die mit für ich';
    assert.deepEqual(textTokens(text), ['sie', 'hier', 'und', 'ist', 'der', 'die', 'mit', 'für', 'ich']);
    assert.deepEqual(textTokensV4(text), []);
  });
});

describe('vocabLogit', () => {
  const model = parseVocabTextModel(asset(['account', 'verify', 'verify account'], [2, 3, 1], 0.25));

  it('is the bias for a text of unknown words only', () => {
    assert.equal(vocabLogit(model, 'Samstag passt Vietnamesen Kanal'), 0.25);
    assert.equal(vocabLogit(model, ''), 0.25);
  });

  it('sums weight x value of the known keys, the values normalised over every key', () => {
    // keys: verify, account, "verify account" (known) + samstag, "account samstag" (unknown): 5 keys of count 1.
    const v = Math.fround(Math.log1p(1)) / Math.sqrt(5 * Math.fround(Math.log1p(1)) ** 2);
    const want = 3 * Math.fround(v) + 2 * Math.fround(v) + 1 * Math.fround(v) + 0.25;
    assert.ok(Math.abs(vocabLogit(model, 'verify account samstag') - want) < 1e-6);
    // Unknown words dilute: the same known words weigh less among more unknown ones.
    assert.ok(vocabLogit(model, 'verify account') > vocabLogit(model, 'verify account samstag'));
  });

  it('counts repeats with log1p and writes float32 values of unit length', () => {
    const { keys, values } = keyValues(textKeys('verify verify account'));
    assert.deepEqual(keys, ['verify', 'verify verify', 'account', 'verify account']);
    let sq = 0;
    for (const v of values) sq += v * v;
    assert.ok(Math.abs(sq - 1) < 1e-6);
    assert.ok((values[0] as number) > (values[1] as number));
  });
});

describe('parseVocabTextModel', () => {
  it('refuses an asset whose weights do not match its vocabulary', () => {
    assert.throws(() => parseVocabTextModel(asset(['a', 'b'], [1], 0)), /1 weights for 2 words/);
  });
  it('refuses a vocabulary that lists a word twice', () => {
    assert.throws(() => parseVocabTextModel(asset(['abc', 'abc'], [1, 2], 0)), /"abc" twice/);
  });
  it('refuses a missing or malformed asset', () => {
    assert.throws(() => parseVocabTextModel(undefined), /needs vocabulary/);
    assert.throws(() => parseVocabTextModel({ vocabulary: [1], bias: 0, weights_f32_b64: '' }), /needs vocabulary/);
  });
});
