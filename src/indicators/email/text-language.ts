/**
 * What a text says without the words that only say which language it is in (features `email/6`).
 *
 * Why: the text model of email/3 learned the language. Its training phishing (phishing_pot) is
 * written in many languages, its ham almost all in English, so Portuguese, German, Japanese, Dutch
 * and Spanish legitimate mail scored higher than the same notice in English, French or Italian
 * (Keycloak's and django-allauth's own translations: scripts/email/eval-languages.ts), with its
 * weights on function words (sie, und, ist). Two things remove the language here:
 * - the function words of every language the npm package `stopword` lists (3.1.5: 62 languages, MIT
 *   and Apache-2.0 lists) are not tokens of the text model, as email/2 did for English alone. Chosen
 *   over `stopwords-iso`, whose lists hold content words too (English `click`, `please`, `free`,
 *   `order`, `help`; Czech `email`): dropping those would remove what a message says, not its language.
 *   A word that is a function word in one language and a content word in another (Malay `bank`,
 *   Lithuanian `link`) is dropped everywhere: a small loss, measured in the card;
 * - each message's language (`textLanguage`) is given to the text model in training as a column of
 *   its own, which then takes the share of the score that the language explains (German mail being
 *   mostly phishing in these corpora), and is not served: the served bias is the column's average
 *   (models/training/text_model.py). Content words are left to say what the message is about.
 * The language is a best guess from the function words a text uses (the language whose list holds
 * most of its words), or its script when none matches (`script:han`): enough for a training column,
 * not a language identifier to report.
 */
import stopword = require('stopword');

import { STOP_TOKENS } from './message-features-v2';
import { replaceUrls } from './strip-urls';

const MAX_TEXT_CHARS = 100_000;
const WORD = /[\p{L}][\p{L}\p{M}'-]{2,23}/gu;

/** The package's lists by language code (its `removeStopwords` function is not a list). */
const LISTS: Record<string, string[]> = Object.fromEntries(
  Object.entries(stopword).filter((e): e is [string, string[]] => Array.isArray(e[1])),
);

/** Every listed function word that can be a token (lower case, 3 letters or more), of every language. */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  Object.values(LISTS).flatMap((words) => words.map((w) => w.toLowerCase()).filter((w) => [...w].length >= 3)),
);

/** Each word -> the languages whose list holds it. */
const LANGUAGES_OF = new Map<string, string[]>();
for (const [lang, words] of Object.entries(LISTS).sort(([a], [b]) => (a < b ? -1 : 1))) {
  for (const w of new Set(words.map((x) => x.toLowerCase())))
    LANGUAGES_OF.set(w, [...(LANGUAGES_OF.get(w) ?? []), lang]);
}

/** The words a text is made of (before any are dropped): what the tokenisers of text-hash.ts match. */
function words(text: string): string[] {
  const clean = replaceUrls(text.slice(0, MAX_TEXT_CHARS), ' ').toLowerCase();
  return Array.from(clean.matchAll(WORD), (m) => m[0]);
}

/** The words the email/6 text model reads, in order: email/3's, without any language's function words. */
export function neutralTokens(text: string): string[] {
  return words(text).filter((w) => !STOP_TOKENS.has(w) && !FUNCTION_WORDS.has(w));
}

const SCRIPTS: [string, RegExp][] = [
  ['kana', /[\p{Script=Hiragana}\p{Script=Katakana}]/u],
  ['han', /\p{Script=Han}/u],
  ['hangul', /\p{Script=Hangul}/u],
  ['thai', /\p{Script=Thai}/u],
  ['arabic', /\p{Script=Arabic}/u],
  ['hebrew', /\p{Script=Hebrew}/u],
  ['cyrillic', /\p{Script=Cyrillic}/u],
  ['greek', /\p{Script=Greek}/u],
  ['georgian', /\p{Script=Georgian}/u],
  ['latin', /\p{Script=Latin}/u],
];

/**
 * The language a text is most likely written in: the language whose function words it uses most
 * (at least two of them, ties to the first language code), else its first script in SCRIPTS order
 * (`script:kana` for Japanese, whose words are not separated by spaces), else `none`.
 */
export function textLanguage(text: string): string {
  const hits = new Map<string, number>();
  const ws = words(text);
  for (const w of ws) for (const lang of LANGUAGES_OF.get(w) ?? []) hits.set(lang, (hits.get(lang) ?? 0) + 1);
  let best = '';
  let most = 1;
  for (const [lang, n] of [...hits].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (n > most) {
      best = lang;
      most = n;
    }
  }
  if (best !== '') return best;
  const sample = ws.join(' ');
  for (const [name, re] of SCRIPTS) if (re.test(sample)) return `script:${name}`;
  return 'none';
}
