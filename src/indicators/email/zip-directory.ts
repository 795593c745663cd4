/**
 * Lists the file names in a ZIP central directory without inflating anything: enough to tell an
 * OOXML document from a plain archive, find `vbaProject.bin` (macros) and spot executables inside.
 * Every offset is bounds-checked, so a truncated or hostile archive yields fewer names, never a throw.
 */

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const MAX_ENTRIES = 10000;

/** Names in the central directory, in order; empty when the buffer has no readable directory. */
export function zipEntryNames(zip: Buffer): string[] {
  // The end-of-central-directory record is 22 bytes plus a comment of at most 65535.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = zip.length - 22; i >= floor; i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = Math.min(zip.readUInt16LE(eocd + 10), MAX_ENTRIES);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < count && at + 46 <= zip.length; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_ENTRY) break;
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    if (at + 46 + nameLength > zip.length) break;
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at = next;
  }
  return names;
}
