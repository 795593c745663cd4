/**
 * Scrapes a Prometheus endpoint and reads it with the Prometheus project's own text-format parser
 * (prometheus_client.parser, in a pinned virtualenv made on first use): a test that reads the
 * exposition the way Prometheus does, not with a regex. (The npm parser parse-prometheus-text-format
 * drops the labels, sums and counts of labelled histograms, so it could not check these.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { get } from 'node:http';
import { join } from 'node:path';
import { pythonWith } from '../../scripts/python-env';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** A number, or "nan" / "inf" / "-inf" (JSON has no such numbers). */
  value: number | string;
}

export interface Exposition {
  /** Family name -> type (counter, gauge, histogram, ...); counters are named without `_total`. */
  types: Map<string, string>;
  /** Sample name (with `_total`, `_bucket`, `_sum`, `_count`) -> its samples. */
  samples: Map<string, Sample[]>;
}

export function fetchText(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    }).on('error', reject);
  });
}

export async function parseExposition(text: string): Promise<Exposition> {
  const python = await pythonWith([join(__dirname, 'requirements.txt')]);
  const json = await new Promise<string>((resolve, reject) => {
    const child = execFile(python, [join(__dirname, 'parse_exposition.py')], { maxBuffer: 64 << 20 }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
    child.stdin?.end(text);
  });
  const families = JSON.parse(json) as { name: string; type: string; samples: Sample[] }[];
  const out: Exposition = { types: new Map(), samples: new Map() };
  for (const f of families) {
    out.types.set(f.name, f.type);
    for (const s of f.samples) {
      const list = out.samples.get(s.name);
      if (list === undefined) out.samples.set(s.name, [s]);
      else list.push(s);
    }
  }
  return out;
}

export async function scrape(port: number): Promise<Exposition> {
  const res = await fetchText(`http://127.0.0.1:${port}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.type, /^text\/plain; version=0\.0\.4/);
  return parseExposition(res.body);
}

/** Samples named `name` whose labels include `match`. */
export function samples(m: Exposition, name: string, match: Record<string, string> = {}): Sample[] {
  return (m.samples.get(name) ?? []).filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

/** Sum of the values of the samples named `name` matching `match`. */
export function total(m: Exposition, name: string, match: Record<string, string> = {}): number {
  return samples(m, name, match).reduce((n, s) => n + Number(s.value), 0);
}
