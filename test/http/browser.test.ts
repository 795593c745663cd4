/**
 * The analysts' page in a real browser: Debian's chromium (installed by scripts/provision-clients.sh,
 * which .ci/run runs) driven by playwright-core. Pastes indicators (defanged ones among them),
 * uploads a phishing message, reads the verdicts off the page, and checks that the message's HTML was
 * never rendered, that the CSP was never violated, and that the reference page renders the document.
 * Fails, never skips, when chromium is missing.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { newToken, tokenLine } from '../security/tokens';
import { type HttpTestServer, startHttpTestServer } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PHISH = join(__dirname, '..', 'fixtures', 'email', 'html-phish.eml');

let s: HttpTestServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const cspViolations = () => consoleErrors.filter((e) => /Content Security Policy/.test(e));

before(async () => {
  assert.ok(
    existsSync(CHROMIUM),
    `${CHROMIUM} is missing: run \`sudo bash scripts/provision-clients.sh\` (Debian chromium), or set CHROMIUM_PATH`,
  );
  s = await startHttpTestServer();
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
});

after(async () => {
  await browser?.close();
  await s?.close();
});

/** The text of each cell of column `header` in the table with `caption`. */
async function column(caption: string, header: string): Promise<string[]> {
  return page.evaluate(
    ([cap, head]): string[] => {
      // biome-ignore lint/suspicious/noExplicitAny: DOM nodes, untyped here
      const doc = (globalThis as any).document;
      // biome-ignore lint/suspicious/noExplicitAny: DOM nodes, untyped here
      const table = [...doc.querySelectorAll('table')].find((t: any) => t.caption?.textContent?.startsWith(cap));
      if (!table) return [];
      // biome-ignore lint/suspicious/noExplicitAny: DOM nodes, untyped here
      const idx = [...table.querySelectorAll('thead th')].findIndex((th: any) => th.textContent === head);
      // biome-ignore lint/suspicious/noExplicitAny: DOM nodes, untyped here
      return [...table.querySelectorAll('tbody tr')].map((tr: any) => tr.children[idx]?.textContent ?? '');
    },
    [caption, header] as const,
  );
}

describe('the analysts page', () => {
  it('scores pasted indicators, defanged ones included, and shows verdict, score, reasons, enrichment', async () => {
    await page.goto(`${s.base}/`);
    await page
      .getByLabel(/One per line/)
      .fill(
        ['paypal-login-secure.xyz', 'hxxps://paypal-login-secure[.]xyz/signin', '8.8.8.8', 'not an indicator !!'].join(
          '\n',
        ),
      );
    await page.getByRole('button', { name: 'Score indicators' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Scored 4/ })
      .waitFor();
    const verdicts = await column('4 indicators', 'Verdict');
    assert.deepEqual(verdicts.slice(0, 2), ['malicious', 'malicious']);
    assert.match(verdicts[2]!, /^(benign|suspicious|malicious)$/);
    assert.equal(verdicts[3], 'error');
    const types = await column('4 indicators', 'Type');
    assert.deepEqual(types.slice(0, 3), ['domain', 'url', 'ip']);
    const scores = await column('4 indicators', 'Score');
    assert.match(scores[0]!, /^0\.\d{3}$/);
    const reasons = await column('4 indicators', 'Reasons');
    assert.match(reasons[0]!, /BRAND_EMBEDDED/);
    const enrichment = await column('4 indicators', 'Enrichment or error');
    assert.match(enrichment[0]!, /registrableDomain/);
    assert.match(enrichment[3]!, /INDICATOR_TYPE_UNKNOWN/);
    assert.deepEqual(cspViolations(), [], 'the page itself needs nothing its CSP forbids');
  });

  it('scores an uploaded message: verdict, parts, links with visible text versus target, indicators', async () => {
    await page.getByLabel(/Choose an .eml file/).setInputFiles(PHISH);
    await page.getByRole('button', { name: 'Score message' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Scored html-phish\.eml/ })
      .waitFor();
    assert.match((await page.getByRole('status').textContent()) ?? '', /malicious/);
    const subjects = await column('Parts', 'Subject');
    assert.deepEqual(subjects, ['Account limited']);
    const targets = await column('Links', 'Target');
    const texts = await column('Links', 'Visible text');
    const linkVerdicts = await column('Links', 'Verdict of the target');
    const i = targets.indexOf('http://paypal.com.account-verify.example.net/login');
    assert.ok(i >= 0, `links: ${targets.join(', ')}`);
    assert.match(texts[i]!, /https:\/\/www\.paypal\.com.*names another host/);
    assert.equal(linkVerdicts[i], 'malicious');
    const found = await column('Indicators found in the message', 'Indicator');
    assert.ok(found.includes('service@paypal-security.example.com'));
  });

  it('never renders the message HTML and keeps to its CSP', async () => {
    // The message has a form, an image and a styled div: none of them may exist in the page.
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(await page.locator('form[action]').count(), 0);
    // The page's own password field is the access token; the message's must not exist.
    assert.equal(await page.locator('input[type=password]:not(#token)').count(), 0);
    // The message's own <style> and style attributes, met while reading its links from an inert
    // DOMParser document, are refused by the CSP as well: nothing of the message applies, scripts least of all.
    assert.deepEqual(
      cspViolations().filter((e) => !/^Applying inline style/.test(e)),
      [],
    );
  });

  it('is usable from the keyboard: the fields and buttons are reachable by Tab, with labels', async () => {
    await page.goto(`${s.base}/`);
    const reached: string[] = [];
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      // Runs in the page (this project compiles without the DOM lib, hence untyped).
      reached.push(
        await page.evaluate(() => {
          // biome-ignore lint/suspicious/noExplicitAny: the page's DOM
          const a = (globalThis as any).document.activeElement;
          return a?.id || a?.tagName || '';
        }),
      );
    }
    for (const id of ['token', 'indicators', 'score-indicators', 'eml', 'score-email'])
      assert.ok(reached.includes(id), reached.join(','));
  });

  it('renders the API reference from /openapi.json with the bundled Swagger UI', async () => {
    consoleErrors.length = 0;
    await page.goto(`${s.base}/docs/`);
    await page.getByText('/v1/domains:predict').first().waitFor();
    assert.deepEqual(cspViolations(), []);
  });
});

describe('the analysts page on a server that checks credentials', () => {
  const token = newToken();
  let secured: HttpTestServer;
  let p: Page;
  before(async () => {
    secured = await startHttpTestServer(['--auth', tokenLine('analyst', token, 'predict')]);
    p = await browser.newPage();
  });
  after(async () => {
    await p?.close();
    await secured?.close();
  });

  it('says a token is needed, then scores with the typed token sent as a bearer token', async () => {
    const sent: (string | undefined)[] = [];
    p.on('request', (r) => {
      if (r.url().includes('/v1/')) sent.push(r.headers().authorization);
    });
    await p.goto(`${secured.base}/`);
    await p.getByLabel(/One per line/).fill('paypal-login-secure.xyz');
    await p.getByRole('button', { name: 'Score indicators' }).click();
    await p
      .getByRole('status')
      .filter({ hasText: /enter an access token/ })
      .waitFor();
    await p.getByLabel(/Access token/).fill(token);
    await p.getByRole('button', { name: 'Score indicators' }).click();
    await p
      .getByRole('status')
      .filter({ hasText: /^Scored 1/ })
      .waitFor();
    assert.equal(sent[0], undefined, 'nothing sent before a token was typed');
    assert.equal(sent.at(-1), `Bearer ${token}`);
    // Kept for this tab only: sessionStorage, never localStorage; a reload of the tab keeps it.
    const stored = await p.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: the page's storage
      const g = globalThis as any;
      return { session: g.sessionStorage.getItem('threatpredict.token'), local: g.localStorage.length };
    });
    assert.deepEqual(stored, { session: token, local: 0 });
    await p.reload();
    assert.equal(await p.getByLabel(/Access token/).inputValue(), token);
  });

  it('tells a wrong token apart from a missing one', async () => {
    await p.getByLabel(/Access token/).fill('not-the-token');
    await p.getByLabel(/One per line/).fill('example.com');
    await p.getByRole('button', { name: 'Score indicators' }).click();
    await p
      .getByRole('status')
      .filter({ hasText: /does not accept this access token/ })
      .waitFor();
  });
});
