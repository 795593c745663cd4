/** The files under a folder, recursively, whose names end in `ext`, sorted by name at each level (sets of rendered or fetched mail). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function files(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (name.endsWith(ext)) out.push(p);
  }
  return out;
}
