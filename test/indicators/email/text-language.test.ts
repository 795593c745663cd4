/**
 * Features email/6: the text model reads no language's function words (npm `stopword`, every language
 * it lists) and training knows each message's language (text-language.ts). The same notice in
 * German, Portuguese and English leaves only its content words; the words that say what a message is
 * about (click, password, Konto, senha) stay in every language.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EMAIL_V3_FEATURE_NAMES,
  emailFeaturesV3,
  messageText,
} from '../../../src/indicators/email/message-features-v3';
import {
  EMAIL_V6_FEATURE_NAMES,
  emailFeaturesV6,
  messageLanguage,
  neutralTextVector,
} from '../../../src/indicators/email/message-features-v6';
import { parseEmail } from '../../../src/indicators/email/parse-email';
import { hashText, TEXT_BUCKETS, textTokens } from '../../../src/indicators/email/text-hash';
import { FUNCTION_WORDS, neutralTokens, textLanguage } from '../../../src/indicators/email/text-language';

describe('language-neutral text (email/6)', () => {
  it('drops the function words of every language, keeps what the text is about', () => {
    const table: [string, string[]][] = [
      // `link` goes too: a Lithuanian function word (the cost of one list for all languages, in the card).
      [
        'Hier ist der Link, klicken Sie und ändern Sie Ihr Passwort für Ihr Konto',
        ['klicken', 'ändern', 'passwort', 'konto'],
      ],
      ['Clique aqui para alterar a sua senha da sua conta', ['clique', 'alterar', 'senha', 'conta']],
      ['Click here to change the password of your account', ['click', 'change', 'password', 'account']],
      ['Cliquez ici pour changer le mot de passe de votre compte', ['cliquez', 'changer', 'passe', 'compte']],
    ];
    for (const [text, want] of table) assert.deepEqual(neutralTokens(text), want, text);
  });

  it('email/3 kept the German and Portuguese function words that email/6 drops', () => {
    assert.deepEqual(textTokens('Hier ist der Link und Sie'), ['hier', 'ist', 'der', 'link', 'und', 'sie']);
    for (const w of ['sie', 'und', 'ist', 'hier', 'você', 'seu', 'vous', 'het', 'los'])
      assert.ok(FUNCTION_WORDS.has(w), w);
    for (const w of ['password', 'passwort', 'senha', 'click', 'account', 'konto', 'bitte']) {
      assert.ok(!FUNCTION_WORDS.has(w), w);
    }
  });

  it('names the language by its function words, or by its script', () => {
    const table: [string, string][] = [
      ['Hallo Anna, ich bin morgen in der Stadt und wir sehen uns hier', 'deu'],
      ['Olá, você pode confirmar o seu endereço de e-mail para a sua conta', 'por'],
      ['Please find the report attached; we will discuss it on Monday with them', 'eng'],
      ['パスワードをリセットするには', 'script:kana'],
      ['您的密码已更改', 'script:han'],
      ['12345', 'none'],
    ];
    for (const [text, want] of table) assert.equal(textLanguage(text).replace(/^porBr$/, 'por'), want, text);
  });

  it('the row is email/3 with the neutral text model in text_score', async () => {
    const parsed = await parseEmail(readFileSync(join(__dirname, '../../fixtures/email/modern/personal.eml')));
    assert.ok(parsed.ok);
    const e = parsed.value;
    assert.equal(messageLanguage(e), 'deu');
    assert.deepEqual(EMAIL_V6_FEATURE_NAMES, EMAIL_V3_FEATURE_NAMES);
    // A text model with weight 1 on every bucket and bias 0: the logit is the sum of the vector's values.
    const model = { buckets: TEXT_BUCKETS, bias: 0, weights: new Float32Array(TEXT_BUCKETS).fill(1) };
    const v6 = new Float32Array(EMAIL_V6_FEATURE_NAMES.length);
    const v3 = new Float32Array(EMAIL_V3_FEATURE_NAMES.length);
    emailFeaturesV6(e, v6, 0, model);
    emailFeaturesV3(e, v3, 0, model);
    const text = EMAIL_V6_FEATURE_NAMES.indexOf('text_score');
    assert.deepEqual([...v6.slice(0, text)], [...v3.slice(0, text)]);
    const neutral = neutralTextVector(e);
    const sum = neutral.values.reduce((a, v) => a + v, 0);
    assert.equal(v6[text], Math.fround(sum));
    assert.notEqual(v6[text], v3[text]);
    // personal.eml is German: its function words were buckets of email/3's vector, not of email/6's.
    assert.ok(neutral.indices.length < hashText(messageText(e)).indices.length);
  });
});
