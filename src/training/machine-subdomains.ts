/**
 * Machine-made subdomains for benign training rows. Most names a DNS resolver sees are hosts that
 * software made under a legitimate registrable domain: CDN edges, cloud regions, numbered nodes, hashed
 * bucket or tenant labels, telemetry endpoints (`edge-fra-3.cdn.example.com`,
 * `a1b2c3d4.ingest.eu-west-1.example.net`). The benign lists hold registrable domains and a few
 * human-chosen subdomains only, so without these a model reads "two or more labels left of the
 * registrable domain" as malice (issue 12: `btrfs.wiki.kernel.org` 1.000).
 *
 * These are SYNTHETIC: labels drawn (seeded by the parent name) from the naming schemes CDN and cloud
 * providers document (region codes, airport codes, node numbers, hex identifiers, service words), on
 * top of a real benign registrable domain. They teach the shape of infrastructure names, not any
 * particular name, and never contain a brand or a phishing keyword.
 */
import { stableUnit } from './sources';

export interface MachineSubdomainSpec {
  /** Share of benign apex names that get one machine-made host (seeded). */
  share: number;
  /** Service words used as labels (`cdn`, `api`, `static`, ...). */
  words: string[];
  /** Region and point-of-presence codes (`us-east-1`, `fra1`, `lhr`, ...). */
  regions: string[];
}

const HEX = '0123456789abcdef';
const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

function pick<T>(list: readonly T[], key: string): T {
  return list[Math.floor(stableUnit(key) * list.length)] as T;
}

function randomString(alphabet: string, length: number, key: string): string {
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(stableUnit(`${key}:${i}`) * alphabet.length)];
  return s;
}

/** One machine-made label; `key` seeds every choice so the same parent always gets the same host. */
function machineLabel(spec: MachineSubdomainSpec, key: string): string {
  const n = 1 + Math.floor(stableUnit(`${key}:n`) * 40);
  switch (Math.floor(stableUnit(`${key}:kind`) * 8)) {
    case 0:
      return pick(spec.words, `${key}:w`);
    case 1:
      return `${pick(spec.words, `${key}:w`)}${n}`;
    case 2:
      return pick(spec.regions, `${key}:r`);
    case 3:
      return `${pick(spec.words, `${key}:w`)}-${pick(spec.regions, `${key}:r`)}-${n}`;
    case 4:
      return randomString(HEX, 8 + Math.floor(stableUnit(`${key}:len`) * 9), `${key}:hex`);
    case 5:
      return `${pick(spec.words, `${key}:w`)}-${randomString(ALNUM, 6, `${key}:id`)}`;
    case 6:
      return `${pick(spec.words, `${key}:w`)}-${pick(spec.words, `${key}:w2`)}`;
    default:
      return `${pick(spec.words, `${key}:w`)}${n}-${pick(spec.regions, `${key}:r`)}`;
  }
}

/** A host of 2 or 3 machine-made labels under `apex`, or undefined when this apex is not in the share. */
export function machineSubdomain(spec: MachineSubdomainSpec, apex: string): string | undefined {
  if (stableUnit(`machine:${apex}`) >= spec.share) return undefined;
  const depth = 2 + Math.floor(stableUnit(`machine-depth:${apex}`) * 2);
  const labels: string[] = [];
  for (let k = 0; k < depth; k++) labels.push(machineLabel(spec, `machine:${apex}:${k}`));
  return `${labels.join('.')}.${apex}`;
}
