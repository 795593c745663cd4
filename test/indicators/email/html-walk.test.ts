import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseColor } from '../../../src/indicators/email/html-style';
import { walkHtml } from '../../../src/indicators/email/html-walk';

describe('walkHtml', () => {
  it('collects link attributes by where they were found', () => {
    const walk = walkHtml(
      '<a href=" https://a.example.com/x ">t</a><img src="https://i.example.com/p.png"><form action="/post"></form>' +
        '<table background="https://bg.example.com/b.jpg"><tr><td>c</td></tr></table>' +
        '<meta http-equiv="Refresh" content="0; URL=\'https://go.example.net/\'"><button formaction="https://f.example.org/">b</button>',
    );
    assert.deepEqual(
      walk.links.map((l) => `${l.foundIn} ${l.value}`),
      [
        'html:href https://a.example.com/x',
        'html:src https://i.example.com/p.png',
        'html:form-action /post',
        'html:src https://bg.example.com/b.jpg',
        'html:meta-refresh https://go.example.net/',
        'html:form-action https://f.example.org/',
      ],
    );
    assert.equal(walk.forms, 1);
  });

  it('keeps visible text, drops script/style/head, decodes entities, separates blocks', () => {
    const walk = walkHtml(
      '<head><title>T</title></head><body>pay<b>pal</b>&#46;com<script>var a="x.example.com"</script><div>next</div></body>',
    );
    assert.equal(walk.visibleText.replace(/\s+/g, ' ').trim(), 'paypal.com next');
  });

  it('counts hidden text by reason, inherited by children', () => {
    const walk = walkHtml(
      '<div style="DISPLAY: none !important"><p>abc <b>def</b></p></div>' +
        '<span style="visibility:hidden">gh</span><span style="font-size:0">ij</span><span style="opacity:0">k</span>' +
        '<div style="background-color:#000"><font color="black">lmn</font></div><span style="color:rgb(255,255,255)">op</span>' +
        '<div hidden>q</div><span style="color:#fff;background:#333">shown</span>',
    );
    assert.deepEqual(Object.fromEntries(walk.hiddenCharacters), {
      'display-none': 7,
      'visibility-hidden': 2,
      'font-size-zero': 2,
      'opacity-zero': 1,
      'same-color-as-background': 5,
    });
    assert.equal(walk.visibleText.replace(/\s+/g, ' ').trim(), 'shown');
  });

  it('records anchor text for the mismatch check', () => {
    const walk = walkHtml('<a href="http://evil.example.net/">  https://www.paypal.com\n </a><a>no href</a>');
    assert.deepEqual(walk.anchors, [{ href: 'http://evil.example.net/', text: 'https://www.paypal.com' }]);
  });

  it('stops at a nesting bomb, keeps what came before, and stays fast', () => {
    const started = performance.now();
    const walk = walkHtml(
      `<a href="https://before.example.com/">x</a>${'<div>'.repeat(200_000)}<a href="https://after.example.com/">y</a>`,
    );
    assert.ok(performance.now() - started < 3000, `took ${performance.now() - started} ms`);
    assert.deepEqual(
      walk.links.map((l) => l.value),
      ['https://before.example.com/'],
    );
    assert.match(walk.truncated ?? '', /nested deeper than 512/);
  });

  it('is fast on many unmatched end tags', () => {
    const started = performance.now();
    walkHtml(`${'<div>'.repeat(500)}${'</x>'.repeat(200_000)}`);
    assert.ok(performance.now() - started < 4000, `took ${performance.now() - started} ms`);
  });
});

describe('normaliseColor', () => {
  const cases: Array<[string, string | undefined]> = [
    ['#FFF', '#ffffff'],
    ['#ffffff', '#ffffff'],
    ['White', '#ffffff'],
    ['rgb(255, 255, 255)', '#ffffff'],
    ['rgba(0,0,0,0.5)', '#000000'],
    ['transparent', 'transparent'],
    ['hsl(0, 0%, 100%)', undefined],
    ['#12', undefined],
  ];
  for (const [raw, expected] of cases) it(raw, () => assert.equal(normaliseColor(raw), expected));
});
