/**
 * The organisation split of the email candidate (models/training/email-4-sources.json): a source
 * limited to some organisations' folders (`folders`), products whose mail sits in one folder per language
 * (`recursive`), and subset-export.py, which cuts one fold out of a full export. If a fold kept a row of
 * a held-out organisation, or misaligned the features or text vectors of the rows it keeps, the fold's
 * "never trained on" figures would be wrong without any error; these tests pin both.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { pythonWith } from '../../scripts/python-env';
import { type EmailSource, readMessages } from '../../src/training/email-messages';

const run = promisify(execFile);
const TRAINING = join(__dirname, '..', '..', 'models', 'training');

const source = (over: Partial<EmailSource>): EmailSource => ({
  name: 's',
  kind: 'dir',
  path: '.',
  label: 'benign',
  license: 'test',
  origin: 'test',
  ...over,
});

describe('readMessages: folders and recursive', () => {
  it('keeps only the named organisations of an html-bodies archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'email-folds-'));
    for (const org of ['acme', 'globex', 'initech']) {
      mkdirSync(join(dir, 'src', org), { recursive: true });
      writeFileSync(join(dir, 'src', org, 'a.rendered.html'), `<p>${org}</p>`);
    }
    await run('tar', ['-czf', join(dir, 'bodies.tar.gz'), '-C', join(dir, 'src'), 'acme', 'globex', 'initech']);
    const rows = ['acme', 'globex', 'initech'].map((o) => `${o}/a.rendered.html,x,rendered,html`);
    writeFileSync(join(dir, 'manifest.csv'), `file,other,role,format\n${rows.join('\n')}\n`);
    const s = source({ kind: 'html-bodies', path: 'bodies.tar.gz', manifest: 'manifest.csv' });
    assert.deepEqual(
      readMessages(s, dir).map((m) => m.file),
      ['acme/a.rendered.html', 'globex/a.rendered.html', 'initech/a.rendered.html'],
    );
    const two = readMessages({ ...s, folders: ['initech', 'acme'] }, dir);
    assert.deepEqual(
      two.map((m) => m.file),
      ['acme/a.rendered.html', 'initech/a.rendered.html'],
    );
    assert.match(two[1]!.raw.toString('utf8'), /^Content-Type: text\/html; charset=utf-8\r\n\r\n<p>initech<\/p>$/);
  });

  it('reads a product folder by language only when recursive, named by path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'email-folds-'));
    for (const lang of ['de', 'fr']) {
      mkdirSync(join(dir, `p-${lang}`));
      writeFileSync(join(dir, `p-${lang}`, 'signin.eml'), `Subject: ${lang}\r\n\r\nbody`);
      writeFileSync(join(dir, `p-${lang}`, 'README.md'), 'not mail');
    }
    writeFileSync(join(dir, 'top.eml'), 'Subject: top\r\n\r\nbody');
    const flat = source({ path: dir, pattern: '.eml' });
    assert.deepEqual(
      readMessages(flat, '.').map((m) => m.file),
      ['top.eml'],
    );
    const deep = { ...flat, recursive: true };
    assert.deepEqual(
      readMessages(deep, '.').map((m) => m.file),
      ['p-de/signin.eml', 'p-fr/signin.eml', 'top.eml'],
    );
    const fr = readMessages({ ...deep, folders: ['p-fr'] }, '.');
    assert.deepEqual(
      fr.map((m) => [m.file, m.raw.toString('utf8')]),
      [['p-fr/signin.eml', 'Subject: fr\r\n\r\nbody']],
    );
  });
});

describe('subset-export.py', () => {
  it("keeps a fold's training sources and the unnamed ones, rows, features and text vectors aligned", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'email-folds-'));
    const ex = join(dir, 'export');
    mkdirSync(ex);
    // Six rows: base (unnamed by folds), org-a, org-b, product-x, base, org-b; two features; row i's text is bucket 10+i.
    const srcs = ['base', 'org-a', 'org-b', 'product-x', 'base', 'org-b'];
    const lines = srcs.map((s, i) =>
      [`m${i}`, s === 'base' && i === 4 ? 1 : 0, s, 'ham', 0, 'train', `site${i}`, ''].join('\t'),
    );
    writeFileSync(
      join(ex, 'rows.tsv'),
      `indicator\tlabel\tsource\tgroup\trank\tsplit\tsite\tdate\n${lines.join('\n')}\n`,
    );
    writeFileSync(
      join(ex, 'features.f32'),
      Buffer.from(Float32Array.from(srcs.flatMap((_, i) => [i, 100 + i])).buffer),
    );
    const indptr = Uint32Array.from([0, 1, 1, 3, 4, 5, 7]); // row 1 has no words, rows 2 and 5 have two
    const indices = Uint32Array.from([10, 12, 112, 13, 14, 15, 115]);
    writeFileSync(join(ex, 'text_indptr.u32'), Buffer.from(indptr.buffer));
    writeFileSync(join(ex, 'text_indices.u32'), Buffer.from(indices.buffer));
    writeFileSync(join(ex, 'text_values.f32'), Buffer.from(Float32Array.from(indices).buffer));
    const spec = {
      feature_names: ['f0', 'f1'],
      sources: ['base', 'org-a', 'org-b', 'product-x'].map((name) => ({ name })),
    };
    writeFileSync(join(ex, 'spec.json'), JSON.stringify(spec));
    const folds = {
      sources: spec.sources,
      folds: {
        '1': { train: ['org-a'], evaluate: ['org-b'] },
        '2': { train: ['org-b'], evaluate: ['org-a', 'product-x'] },
      },
    };
    writeFileSync(join(dir, 'sources.json'), JSON.stringify(folds));
    const python = await pythonWith([join(TRAINING, 'requirements.txt')]);
    const out = join(dir, 'fold2');
    await run(python, [
      join(TRAINING, 'subset-export.py'),
      '--export',
      ex,
      '--out',
      out,
      '--sources-file',
      join(dir, 'sources.json'),
      '--fold',
      '2',
    ]);
    const kept = readFileSync(join(out, 'rows.tsv'), 'utf8').trim().split('\n').slice(1);
    assert.deepEqual(
      kept.map((l) => l.split('\t')[0]),
      ['m0', 'm2', 'm4', 'm5'],
    );
    const bytes = (f: string) => new Uint8Array(readFileSync(join(out, f))).buffer;
    assert.deepEqual(Array.from(new Float32Array(bytes('features.f32'))), [0, 100, 2, 102, 4, 104, 5, 105]);
    const u32 = (f: string) => Array.from(new Uint32Array(bytes(f)));
    assert.deepEqual(u32('text_indptr.u32'), [0, 1, 3, 4, 6]);
    assert.deepEqual(u32('text_indices.u32'), [10, 12, 112, 14, 15, 115]);
    const outSpec = JSON.parse(readFileSync(join(out, 'spec.json'), 'utf8'));
    assert.deepEqual(
      outSpec.sources.map((s: { name: string }) => s.name),
      ['base', 'org-b'],
    );
    assert.deepEqual(outSpec.fold.dropped_sources, ['org-a', 'product-x']);
  });
});
