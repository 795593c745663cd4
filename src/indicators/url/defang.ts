/**
 * Undo the "defanging" analysts apply so that a pasted indicator cannot be clicked:
 * `hxxps[:]//evil[.]com`, `user[at]example(dot)com`, `evil{.}com[/]login`.
 *
 * Works on whole paragraphs (email bodies, reports). One regular expression with fixed-length
 * alternatives and bounded repeats, so matching is linear in the input: no nested quantifiers, and
 * every attempt at a position reads at most a dozen characters.
 */

// Left: `hxxp`/`hxxps` (any case) as a whole word. Right: one of `. dot : :// @ at / //` inside
// `[]`, `()` or `{}`, with at most two spaces or tabs of padding on each side.
// Words (`dot`, `at`) need brackets: bare " dot " and " at " are English.
const DEFANGED = /\bhxxp(s?)\b|[[({][ \t]{0,2}(\.|dot|:\/\/|:|@|at|\/\/|\/)[ \t]{0,2}[\])}]/gi;

// Cheap pre-check so that ordinary URLs skip the replace entirely.
const MAYBE_DEFANGED = /hxxp|[[({]/i;

const MAX_PASSES = 4;

const REPLACEMENT: Readonly<Record<string, string>> = {
  '.': '.',
  dot: '.',
  ':': ':',
  '://': '://',
  '@': '@',
  at: '@',
  '/': '/',
  '//': '//',
};

function replaceOne(_match: string, s: string | undefined, inner: string | undefined): string {
  if (inner === undefined) return s === undefined || s === '' ? 'http' : 'https';
  return REPLACEMENT[inner.toLowerCase()] ?? inner;
}

/**
 * Turns defanged indicators in `text` back into their usable form. Text without defanging comes
 * back unchanged (the same string), so `refang(s) !== s` tells whether anything was defanged.
 */
export function refang(text: string): string {
  if (!MAYBE_DEFANGED.test(text)) return text;
  // Nested forms (`[[.]]`) refang to another defanged form; a few passes reach the fixed point for
  // any real nesting, while the bound keeps the cost linear on adversarial `[[[[[.]]]]]`.
  let out = text;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = out.replace(DEFANGED, replaceOne);
    if (next === out) break;
    out = next;
  }
  return out;
}
