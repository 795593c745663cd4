import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refang } from '../../../src/indicators/url/defang';

const CASES: ReadonlyArray<readonly [input: string, expected: string]> = [
  ['hxxp://evil.com/', 'http://evil.com/'],
  ['hxxps://evil.com/', 'https://evil.com/'],
  ['hXXp://evil.com/', 'http://evil.com/'],
  ['HXXPS://evil.com/', 'https://evil.com/'],
  ['hxxps[:]//evil[.]com/login', 'https://evil.com/login'],
  ['https[://]evil.com', 'https://evil.com'],
  ['evil[.]com', 'evil.com'],
  ['evil(.)com', 'evil.com'],
  ['evil{.}com', 'evil.com'],
  ['evil[dot]com', 'evil.com'],
  ['evil(dot)com', 'evil.com'],
  ['evil[DOT]com', 'evil.com'],
  ['evil[ dot ]com', 'evil.com'],
  ['evil[ . ]com', 'evil.com'],
  ['10[.]0[.]0[.]1', '10.0.0.1'],
  ['evil.com[:]8080', 'evil.com:8080'],
  ['user[at]example[.]com', 'user@example.com'],
  ['user[@]example.com', 'user@example.com'],
  ['user(at)example(dot)com', 'user@example.com'],
  ['evil.com[/]login[/]', 'evil.com/login/'],
  ['evil[[.]]com', 'evil.com'],
  ['evil[ [.] ]com', 'evil.com'],
  // Bare words are English, not defanging.
  ['see the dot com boom at noon', 'see the dot com boom at noon'],
  // Brackets that are not defanging stay: IPv6 literals, arrays, prose.
  ['http://[::1]/', 'http://[::1]/'],
  ['http://[2001:db8::1]:8080/', 'http://[2001:db8::1]:8080/'],
  ['a[0] = (x)', 'a[0] = (x)'],
  // hxxp only as a whole word.
  ['hxxpfoo xhxxp://a', 'hxxpfoo xhxxp://a'],
  [
    'Blocked hxxp://bad[.]example/a and hxxps[:]//worse(.)example[/]b; contact soc[at]corp[.]com.',
    'Blocked http://bad.example/a and https://worse.example/b; contact soc@corp.com.',
  ],
];

describe('refang', () => {
  for (const [input, expected] of CASES) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(refang(input), expected);
    });
  }

  it('returns the very same string when nothing is defanged', () => {
    const s = 'http://example.com/a(b)[c]';
    assert.equal(refang(s), s);
  });

  it('is linear on adversarial input (no catastrophic backtracking)', () => {
    // Each of these would take seconds or more with a backtracking-prone pattern.
    const inputs = ['['.repeat(200_000), '[ \t'.repeat(100_000), '( d'.repeat(100_000), 'hxx'.repeat(100_000)];
    for (const s of inputs) {
      const t0 = process.hrtime.bigint();
      assert.equal(refang(s), s);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      assert.ok(ms < 500, `took ${ms.toFixed(1)} ms on ${s.length} chars`);
    }
    const many = 'hxxp://a[.]b '.repeat(50_000);
    assert.equal(refang(many), 'http://a.b '.repeat(50_000));
  });
});
