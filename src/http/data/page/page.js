// The analysts' page: pasted indicators go to POST /v1/indicators:predict, an .eml file to
// POST /v1/emails:predict as message/rfc822. Everything shown is built with createElement and
// textContent: no answer, header or body is ever parsed as HTML into this page. Link text and targets
// are read from a message's HTML with DOMParser, whose document is inert (no scripts run, nothing
// loads) and is never attached to this page.
//
// A server that checks credentials takes a bearer token: the one typed in the Access token field is
// sent as `Authorization: Bearer` with every call, and kept in sessionStorage only (this tab, until it
// closes), never in localStorage or a cookie.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === undefined || c === null) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.className = isError ? 'error' : '';
}

const VERDICTS = {
  VERDICT_MALICIOUS: 'malicious',
  VERDICT_SUSPICIOUS: 'suspicious',
  VERDICT_BENIGN: 'benign',
};

function verdictBadge(p) {
  if (p.error) return el('span', { class: 'verdict verdict-error' }, 'error');
  const v = VERDICTS[p.verdict];
  return el('span', { class: `verdict verdict-${v ?? 'none'}` }, v ?? 'not scored');
}

function score(p) {
  return typeof p.score === 'number' ? p.score.toFixed(3) : '';
}

function typeName(t) {
  return (t ?? '').replace(/^INDICATOR_TYPE_/, '').toLowerCase().replace('_', ' ');
}

function reasonsList(reasons) {
  if (!reasons || reasons.length === 0) return '';
  return el('ul', { class: 'reasons' }, ...reasons.map((r) => el('li', {}, el('code', {}, r.code), ` ${r.message}`)));
}

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out);
    else out.push([key, Array.isArray(v) ? v.join(', ') : String(v)]);
  }
  return out;
}

function enrichment(p) {
  if (p.error) {
    const info = (p.error.details ?? []).find((d) => d['@type'] === 'type.googleapis.com/google.rpc.ErrorInfo');
    return el('span', {}, info ? el('code', {}, info.reason) : '', ` ${p.error.message}`);
  }
  const e = p.domain ?? p.url ?? p.ip;
  if (!e) return '';
  const pairs = flatten(e, '', []);
  return el('dl', { class: 'enrichment' }, ...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
}

function table(caption, headers, rows) {
  return el(
    'table',
    {},
    el('caption', {}, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((c) => el('td', {}, c))))),
  );
}

const TOKEN_KEY = 'threatpredict.token';

function token() {
  return $('token').value.trim();
}

function rememberToken() {
  try {
    if (token() === '') sessionStorage.removeItem(TOKEN_KEY);
    else sessionStorage.setItem(TOKEN_KEY, token());
  } catch {
    // Storage refused (private mode, policy): the field still holds the token for this page.
  }
}

function restoreToken() {
  try {
    $('token').value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    // As above.
  }
}

/** What to tell the analyst for a refused call: the server's message, and what to do about it. */
function refusal(status, json) {
  const message = json.message ?? `${status}`;
  if (status === 401)
    return token() === ''
      ? `The server asks for credentials: enter an access token above. (${message})`
      : `The server does not accept this access token. (${message})`;
  if (status === 403) return `This access token may not do that. (${message})`;
  if (status === 429) return `Too many requests for this token: try again shortly. (${message})`;
  return message;
}

async function api(path, init) {
  const headers = new Headers(init?.headers);
  if (token() !== '') headers.set('authorization', `Bearer ${token()}`);
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
  }
  if (!res.ok) throw new Error(refusal(res.status, json));
  return json;
}

let maxBatch;
async function batchLimit() {
  if (maxBatch === undefined) {
    const info = await api('/v1/serverInfo');
    maxBatch = Math.max(1, Number(info.maxBatchItems ?? 1000));
  }
  return maxBatch;
}

async function scoreIndicators(event) {
  event.preventDefault();
  const lines = $('indicators')
    .value.split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) {
    setStatus('Paste at least one indicator.', true);
    $('indicators').focus();
    return;
  }
  const button = $('score-indicators');
  button.disabled = true;
  setStatus(`Scoring ${lines.length} indicator${lines.length === 1 ? '' : 's'}…`);
  try {
    const limit = await batchLimit();
    const results = [];
    for (let i = 0; i < lines.length; i += limit) {
      const items = lines.slice(i, i + limit).map((value, j) => ({ id: String(i + j), value }));
      const answer = await api('/v1/indicators:predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items }),
      });
      results.push(...(answer.results ?? []));
    }
    const rows = results.map((p) => [
      lines[Number(p.id)] ?? '',
      p.indicator ?? '',
      typeName(p.type),
      verdictBadge(p),
      score(p),
      reasonsList(p.reasons),
      enrichment(p),
    ]);
    $('indicator-results').replaceChildren(
      table(
        `${results.length} indicator${results.length === 1 ? '' : 's'}`,
        ['Input', 'Indicator', 'Type', 'Verdict', 'Score', 'Reasons', 'Enrichment or error'],
        rows,
      ),
    );
    const bad = results.filter((p) => VERDICTS[p.verdict] === 'malicious').length;
    setStatus(`Scored ${results.length}: ${bad} malicious.`);
  } catch (err) {
    setStatus(`Could not score the indicators: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

function addresses(list) {
  return (list ?? []).map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

/** Links in a message: HTML anchors (visible text and target) and URLs found in the text part. */
function linksOf(message) {
  const links = [];
  if (message.htmlBody) {
    // An inert document: DOMParser runs no script and loads nothing; it is never shown.
    const doc = new DOMParser().parseFromString(message.htmlBody, 'text/html');
    for (const a of doc.querySelectorAll('a[href], area[href]')) {
      links.push({ text: (a.textContent ?? '').replace(/\s+/g, ' ').trim(), href: a.getAttribute('href') ?? '' });
    }
  }
  return links;
}

function normalizedUrl(u) {
  try {
    return new URL(u).href;
  } catch {
    return (u ?? '').trim().toLowerCase();
  }
}

function hostOf(u) {
  try {
    return new URL(u).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** Visible text that names a different host than the target (a classic phishing trick). */
function misleading(text, href) {
  const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? hostOf(text) : /^[\w-]+(\.[\w-]+)+$/.test(text) ? text : '';
  return shown !== '' && hostOf(href) !== '' && shown.toLowerCase() !== hostOf(href);
}

function renderEmail(name, r) {
  const parts = [];
  const summary = el(
    'div',
    { class: 'summary' },
    el('h3', {}, `Message ${name}`),
    el('p', {}, 'Verdict: ', verdictBadge(r), r.score === undefined ? '' : ` score ${score(r)}`),
    reasonsList(r.reasons),
    r.error ? el('p', {}, enrichment(r)) : '',
    (r.warnings ?? []).length > 0 ? el('p', {}, `Warnings: ${r.warnings.join('; ')}`) : '',
  );
  parts.push(summary);
  const messages = r.messages ?? [];
  if (messages.length > 0) {
    parts.push(
      table(
        'Parts: the message and every message attached inside it',
        ['Depth', 'From', 'To', 'Subject', 'Date', 'Authentication'],
        messages.map((m) => [
          String(m.depth ?? 0),
          addresses(m.from ? [m.from] : []),
          addresses(m.to),
          m.subject ?? '',
          m.date ?? '',
          (m.authenticationResults ?? []).map((a) => `${a.method}=${a.result}`).join(', '),
        ]),
      ),
    );
  }
  const attachments = r.attachments ?? [];
  parts.push(
    attachments.length === 0
      ? el('p', {}, 'No attachments.')
      : table(
          'Attachments',
          ['Part of message', 'File name', 'Declared type', 'Sniffed type', 'Size', 'SHA-256', 'Flags'],
          attachments.map((a) => [
            String(a.messageIndex ?? 0),
            a.filename ?? '',
            a.declaredContentType ?? '',
            a.sniffedContentType ?? '',
            String(a.size ?? 0),
            el('code', {}, a.sha256 ?? ''),
            ['executable', 'macroEnabled', 'archive', 'doubleExtension', 'html'].filter((f) => a[f]).join(', '),
          ]),
        ),
  );
  const indicators = (r.indicators ?? []).map((i) => ({ ...i.prediction, foundIn: i.foundIn ?? [] }));
  const byUrl = new Map(indicators.filter((p) => p.type === 'INDICATOR_TYPE_URL').map((p) => [normalizedUrl(p.indicator), p]));
  const links = messages.flatMap((m, index) => linksOf(m).map((l) => ({ ...l, index })));
  if (links.length > 0) {
    parts.push(
      table(
        'Links: visible text versus target',
        ['In message', 'Visible text', 'Target', 'Verdict of the target', 'Score'],
        links.map((l) => {
          const p = byUrl.get(normalizedUrl(l.href));
          const text = misleading(l.text, l.href)
            ? el('span', {}, l.text, ' ', el('span', { class: 'mismatch' }, '(names another host)'))
            : l.text;
          return [String(l.index), text, l.href, p ? verdictBadge(p) : 'not scored', p ? score(p) : ''];
        }),
      ),
    );
  }
  parts.push(
    indicators.length === 0
      ? el('p', {}, 'No indicators found in the message.')
      : table(
          'Indicators found in the message',
          ['Indicator', 'Type', 'Found in', 'Verdict', 'Score', 'Reasons', 'Enrichment or error'],
          indicators.map((p) => [
            p.indicator ?? '',
            typeName(p.type),
            p.foundIn.join(', '),
            verdictBadge(p),
            score(p),
            reasonsList(p.reasons),
            enrichment(p),
          ]),
        ),
  );
  for (const m of messages) {
    if (m.textBody) {
      parts.push(el('h3', {}, `Text of message ${m.depth ?? 0}`), el('pre', { class: 'body' }, m.textBody));
    }
  }
  return parts;
}

let droppedFile;

async function scoreEmail(event) {
  event.preventDefault();
  const file = droppedFile ?? $('eml').files?.[0];
  if (!file) {
    setStatus('Choose or drop an .eml file first.', true);
    $('eml').focus();
    return;
  }
  const button = $('score-email');
  button.disabled = true;
  setStatus(`Scoring ${file.name}…`);
  try {
    const answer = await api(`/v1/emails:predict?id=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: await file.arrayBuffer(),
    });
    const r = answer.results?.[0];
    if (!r) throw new Error('the server answered no result');
    $('email-results').replaceChildren(...renderEmail(file.name, r));
    setStatus(
      `Scored ${file.name}: ${r.error ? 'error' : (VERDICTS[r.verdict] ?? 'not scored')}, ${(r.indicators ?? []).length} indicators.`,
    );
  } catch (err) {
    setStatus(`Could not score the message: ${err.message}`, true);
  } finally {
    button.disabled = false;
  }
}

function setUpDrop() {
  const drop = $('drop');
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
  }
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files?.[0];
    if (file) {
      droppedFile = file;
      drop.textContent = `Ready: ${file.name}`;
      setStatus(`${file.name} is ready; press "Score message".`);
    }
  });
  $('eml').addEventListener('change', () => {
    droppedFile = undefined;
    drop.textContent = 'Drop an .eml file here';
  });
}

restoreToken();
$('token').addEventListener('input', rememberToken);
$('indicator-form').addEventListener('submit', scoreIndicators);
$('email-form').addEventListener('submit', scoreEmail);
setUpDrop();
