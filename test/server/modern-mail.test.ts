/**
 * Modern legitimate mail of each kind (newsletter, receipt, security notification, sign-in code,
 * personal mail, mailing-list post, and the older multipart fixture) is not raised by the email model
 * that serves by default, end to end through PredictEmails: the parser, the serving version's own
 * feature code, its ONNX model, every embedded indicator scored by its model, and the combination
 * rule. Model v1 raised six of these seven (issue 13). The same run must still raise the phishing
 * fixture, so the test cannot pass by calling everything benign.
 *
 * The fixtures in test/fixtures/email/modern/ were written by hand before v2 was trained and were not
 * changed after seeing its or v3's scores: HTML-only layouts, hidden preheaders, click-tracking redirects and
 * open pixels, DKIM/ARC/Authentication-Results headers, amounts, codes, security wording, a shortened
 * maps link from a free-mail sender, shell code with `$` in a list post. The `keycloak-*` fixtures are
 * different: their texts are Keycloak's own German account mail (NOTICE-keycloak.md), scored once by v3
 * after they were written and not changed since. So are the `gitea-*` (Gitea's own notification mail in
 * Chinese and Japanese), `ghost-*` (Ghost's newsletter subscription and sign-in mail), `james-*` (two real French messages from Apache James' test jar) and `talon-*`
 * (a real Yahoo Mail reply from talon's tests) fixtures: chosen from what scripts/email/fetch-registry-ham.sh
 * fetches (models/email/README.md, "Legitimate mail from the registries"), scored once by v3, not changed.
 * `list-reply-flagged-link.eml` was written for the evidence combination: a list reply whose signature links
 * a personal site the url model (v3) scores malicious; it must be reported inside and not raise the message.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EmailPrediction } from '../../src/gen/threatpredict/v1/email';
import { Verdict } from '../../src/gen/threatpredict/v1/prediction';
import type { PredictEmailsRequest, PredictEmailsResponse } from '../../src/gen/threatpredict/v1/prediction_service';
import { call, startTestServer, type TestServer } from '../helpers/server';

const FIXTURES = join(__dirname, '../fixtures/email');
const MODERN = join(FIXTURES, 'modern');

let srv: TestServer;
before(async () => {
  srv = await startTestServer();
});
after(() => srv.close());

function predict(req: Partial<PredictEmailsRequest>): Promise<PredictEmailsResponse> {
  return call(srv.predictions.predictEmails.bind(srv.predictions), { items: [], view: 0, ...req });
}

/**
 * Fixtures the serving version (v5) still raises, with why; node:test reports them as TODO (they run, and say so, without
 * failing the suite). Remove an entry when a model version stops raising it. v3 raised seven; v4 (trained with the
 * registry ham, models/email/README.md "Version 4") stopped raising five. Three of those five (keycloak-login-error-de,
 * gitea-issue-close-zh, ghost-subscribe-en) are renders of products v4 trained on, so their passing shows memory of those
 * templates more than modern mail in general; the fold models that never saw Keycloak and Gitea pass those too (the card).
 * The two French James messages pass on a model that never saw James' mail. v5 (v4 fitted without
 * `lookalike_domains`, models/email/README.md "Version 5") raises the same two and no other.
 */
const KNOWN_RAISED: Record<string, string> = {
  'personal.eml':
    'short German mail from a free-mail sender with a shortened maps link: v3 scored it 0.99 (v2 0.995), v4 and v5 still raise ' +
    'it; its text logit is the text model bias plus German function words (sie, hier, und, ist...), and the ' +
    'shortener and free mail point the same way (models/email/README.md). Needs non-English personal ham, not a rule',
  'talon-reply-yahoo.eml':
    'a one-word reply ("Hello") from Yahoo Mail quoting the original: raised by v3 (0.94, FREEMAIL_SENDER), v4 and v5; ' +
    "talon's AOL and Comcast replies were raised by v3 too, its Gmail, Hotmail and iPhone ones are not. Short personal " +
    'replies from free mail look like phishing_pot to the model',
};

describe('modern legitimate mail', () => {
  const files = readdirSync(MODERN).filter((f) => f.endsWith('.eml'));
  let results: Map<string, EmailPrediction>;
  before(async () => {
    const items = [
      ...files.map((f) => ({ id: f, value: readFileSync(join(MODERN, f)) })),
      { id: 'alternative.eml', value: readFileSync(join(FIXTURES, 'alternative.eml')) },
      { id: 'html-phish.eml', value: readFileSync(join(FIXTURES, 'html-phish.eml')) },
    ];
    const res = await predict({ items });
    results = new Map(res.results.map((r) => [r.id, r]));
  });

  const why = (r: EmailPrediction) =>
    `${r.id}: score ${r.score}, ${r.reasons.map((x) => `${x.code} ${x.message}`).join(' | ')}`;

  it('has one fixture of each kind', () => {
    for (const kind of ['newsletter', 'receipt', 'notification', 'signin-code', 'personal', 'list']) {
      assert.ok(files.includes(`${kind}.eml`), kind);
    }
  });

  for (const f of [...readdirSync(MODERN).filter((x) => x.endsWith('.eml')), 'alternative.eml']) {
    it(`does not raise ${f} (served by email v5)`, { todo: KNOWN_RAISED[f] }, () => {
      const r = results.get(f)!;
      assert.equal(r.error, undefined, f);
      assert.deepEqual(r.model, { name: 'email', version: 5 }, f);
      assert.equal(r.verdict, Verdict.VERDICT_BENIGN, why(r));
    });
  }

  it('names the flagged link in a list reply and still does not raise it (issue 13: one name does not decide)', () => {
    // The fixture's signature links a personal site on a hosting platform, the shape of the url model's
    // false positives on list mail (1.7% of R-list posts carry one; models/email/README.md, "Served
    // verdicts"). The rule before the evidence combination lifted every such message to SUSPICIOUS.
    const r = results.get('list-reply-flagged-link.eml')!;
    const link = r.indicators.find((i) => i.prediction?.indicator === 'https://mlopez-geodatos.netlify.app/');
    assert.equal(link?.prediction?.verdict, Verdict.VERDICT_MALICIOUS, `the url model no longer flags it: ${why(r)}`);
    assert.ok(
      r.reasons.some((x) => x.code === 'EMBEDDED_MALICIOUS_INDICATOR' && x.message.includes('mlopez-geodatos')),
      why(r),
    );
    assert.equal(r.verdict, Verdict.VERDICT_BENIGN, why(r));
  });

  it('still raises the phishing fixture', () => {
    const r = results.get('html-phish.eml')!;
    assert.deepEqual(r.model, { name: 'email', version: 5 });
    assert.notEqual(r.verdict, Verdict.VERDICT_BENIGN, why(r));
  });
});
