/**
 * The URL model version 3 (serving by default; features url/1+domain/2, v2's sources plus the machine's benign
 * deep URLs, scripts/url/extract-deep-urls.ts): it loads through the serving pipeline (which re-derives
 * every golden row), names its data with licences, records the out-of-source evaluation with the AUC
 * on v2's benign pool, and no longer calls most free-software project pages that v2 called malicious so.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { URL_FEATURES_VERSION_2 } from '../../src/indicators/url/features-v2';
import { UrlVersion } from '../helpers/url-version';

const v3 = new UrlVersion(3);
const { meta } = v3;
before(() => v3.open());
after(() => v3.close());
const scores = (urls: readonly string[]) => v3.scores(urls);

describe('models/url/3', () => {
  it('is trained on url/1+domain/2 and passes the load-time golden check', () => {
    assert.equal(meta.features_version, URL_FEATURES_VERSION_2);
    assert.equal(v3.model.pipeline?.featuresVersion, URL_FEATURES_VERSION_2);
  });
  it('names its data with licences, the deep-URL list included, and records the out-of-source evaluation', () => {
    assert.ok(meta.training_data.every((s) => s.license.length > 0));
    assert.ok(meta.training_data.some((s) => s.name === 'debian-deep-urls' && s.rows > 0));
    assert.match(meta.out_of_source_evaluation?.command ?? '', /--auc-benign-except debian-deep-urls/);
    assert.equal(
      typeof meta.out_of_source_evaluation?.summary.macro_roc_auc_left_out_malicious_sources_vs_benign_except,
      'number',
    );
  });
  it('no longer calls the project pages v2 flagged hardest malicious, and still raises phishing', async () => {
    // The 18 highest-scored pages of test-split sites of the deep-URL list (never in v3's training), each
    // malicious under v2 (0.97-0.999): models/training/results/url-2-deep-urls-test-split.json. Not all
    // become benign (a `security` in a name, an old .de homepage stay raised), hence counts, not each one.
    const project = [
      'https://adobe-type-tools.github.io/afdko/',
      'https://astro-informatics.github.io/sopt/',
      'https://ycm-core.github.io/YouCompleteMe/',
      'https://ibotpeaches.github.io/Apktool/',
      'https://rdicosmo.github.io/parmap/',
      'https://mkleehammer.github.io/pyodbc/',
      'https://chris00.github.io/ocaml-rope/doc/rope/Rope/',
      'https://argon2-cffi.readthedocs.io/',
      'https://sphinx-basic-ng.readthedocs.io/',
      'https://pyspread.gitlab.io/docs.html',
      'https://docs.yjs.dev/',
      'https://trackballs.github.io/docs/index.html',
      'http://crrcsim.berlios.de/',
      'http://fwlogwatch.inside-security.de/',
      'http://mhddfs.uvw.ru/',
      'http://pr-starfighter.github.io/',
      'http://lcm-proj.github.io/',
      'https://nwchemgit.github.io/',
    ];
    const phish = [
      'http://paypal-account-verify.duckdns.org/',
      'http://secure-login.example-bank.top/wp-includes/signin.php',
    ];
    const s = await scores([...project, ...phish]);
    const pages = s.slice(0, project.length);
    const malicious = pages.filter((x) => x >= meta.thresholds.malicious).length;
    const benign = pages.filter((x) => x < meta.thresholds.suspicious).length;
    assert.ok(malicious <= 1, `${malicious} of ${project.length} malicious`);
    assert.ok(benign >= 13, `${benign} of ${project.length} benign`);
    for (const x of s.slice(project.length)) assert.ok(x >= meta.thresholds.suspicious, `phish ${x}`);
  });
});
