/**
 * Facts about one attachment: what it says it is (file name, declared type), what its first bytes
 * say it is (magic numbers), its SHA-256, and the flags phishing triage cares about: executable,
 * macro-enabled Office, archive, double extension, HTML.
 */
import { createHash } from 'node:crypto';
import type { RawAttachment } from './parse-message';
import type { EmailAttachment } from './types';
import { zipEntryNames } from './zip-directory';

const EXECUTABLE_EXTENSIONS = new Set([
  'exe',
  'scr',
  'com',
  'pif',
  'cpl',
  'dll',
  'msi',
  'msp',
  'msc',
  'bat',
  'cmd',
  'vbs',
  'vbe',
  'js',
  'jse',
  'wsf',
  'wsh',
  'hta',
  'ps1',
  'psm1',
  'lnk',
  'jar',
  'reg',
  'sct',
  'scf',
  'appx',
  'msix',
  'appinstaller',
  'application',
  'gadget',
  'chm',
  'sh',
  'app',
  'apk',
  'elf',
  'vb',
  'inf',
  'url',
  'xll',
  'iqy',
  'slk',
  'library-ms',
  'settingcontent-ms',
]);
const MACRO_EXTENSIONS = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm']);
const ARCHIVE_EXTENSIONS = new Set([
  'zip',
  'rar',
  '7z',
  'gz',
  'tgz',
  'tar',
  'bz2',
  'xz',
  'iso',
  'img',
  'vhd',
  'vhdx',
  'cab',
  'arj',
  'lz',
  'lzh',
  'ace',
  'z',
  'zst',
]);
const HTML_EXTENSIONS = new Set(['htm', 'html', 'shtml', 'xhtml', 'mht', 'mhtml']);
const ARCHIVE_TYPES = new Set([
  'application/zip',
  'application/vnd.rar',
  'application/x-7z-compressed',
  'application/gzip',
  'application/x-iso9660-image',
  'application/vnd.ms-cab-compressed',
  'application/x-bzip2',
  'application/x-xz',
]);
const EXECUTABLE_TYPES = new Set([
  'application/vnd.microsoft.portable-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-ms-shortcut',
  'application/java-archive',
]);
const HTML_START = ['<!doctype html', '<html', '<head', '<body', '<script', '<meta', '<iframe', '<form', '<svg'];
const OLE2 = Buffer.from('d0cf11e0a1b11ae1', 'hex');
const VBA_PROJECT_UTF16 = Buffer.from('_VBA_PROJECT', 'utf16le');
/** OLE2 directory entries name their streams in UTF-16LE; the main stream tells the application. */
const OLE_STREAMS: ReadonlyArray<[Buffer, string]> = [
  [Buffer.from('WordDocument', 'utf16le'), 'application/msword'],
  [Buffer.from('Workbook', 'utf16le'), 'application/vnd.ms-excel'],
  [Buffer.from('PowerPoint Document', 'utf16le'), 'application/vnd.ms-powerpoint'],
];
const RTLO = '\u202e';

function startsWith(content: Buffer, hex: string, offset = 0): boolean {
  const magic = Buffer.from(hex, 'hex');
  return content.length >= offset + magic.length && content.subarray(offset, offset + magic.length).equals(magic);
}

function extensions(filename: string): string[] {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1);
  return base
    .split('.')
    .slice(1)
    .map((part) => part.trim().toLowerCase());
}

function ooxmlType(names: string[]): string | undefined {
  if (!names.includes('[Content_Types].xml')) return undefined;
  const macro = names.some((name) => name.toLowerCase().endsWith('vbaproject.bin'));
  if (names.some((name) => name.startsWith('word/')))
    return macro
      ? 'application/vnd.ms-word.document.macroEnabled.12'
      : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
  if (names.some((name) => name.startsWith('xl/')))
    return macro
      ? 'application/vnd.ms-excel.sheet.macroEnabled.12'
      : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (names.some((name) => name.startsWith('ppt/')))
    return macro
      ? 'application/vnd.ms-powerpoint.presentation.macroEnabled.12'
      : 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
  return 'application/zip';
}

/** The content type the first bytes announce, or '' when they match nothing known. */
export function sniffContentType(content: Buffer, zipNames: string[] = []): string {
  if (startsWith(content, '4d5a')) return 'application/vnd.microsoft.portable-executable';
  if (startsWith(content, '7f454c46')) return 'application/x-elf';
  if (['feedface', 'feedfacf', 'cefaedfe', 'cffaedfe'].some((m) => startsWith(content, m)))
    return 'application/x-mach-binary';
  // CAFEBABE is a fat Mach-O or a Java class; Mach-O lists few architectures, Java's version is >= 45.
  if (startsWith(content, 'cafebabe') && content.length >= 8 && content.readUInt32BE(4) < 45)
    return 'application/x-mach-binary';
  if (startsWith(content, '504b0304') || startsWith(content, '504b0506')) {
    if (zipNames.includes('META-INF/MANIFEST.MF')) return 'application/java-archive';
    return ooxmlType(zipNames) ?? 'application/zip';
  }
  if (startsWith(content, OLE2.toString('hex'))) {
    return OLE_STREAMS.find(([name]) => content.includes(name))?.[1] ?? 'application/x-ole-storage';
  }
  if (startsWith(content, '526172211a07')) return 'application/vnd.rar';
  if (startsWith(content, '377abcaf271c')) return 'application/x-7z-compressed';
  if (startsWith(content, '1f8b')) return 'application/gzip';
  if (startsWith(content, '425a68')) return 'application/x-bzip2';
  if (startsWith(content, 'fd377a585a00')) return 'application/x-xz';
  if (startsWith(content, '4d534346')) return 'application/vnd.ms-cab-compressed';
  if (startsWith(content, '4c0000000114020000000000c000000000000046')) return 'application/x-ms-shortcut';
  if (content.subarray(0, 1024).includes('%PDF-')) return 'application/pdf';
  if (startsWith(content, '4344303031', 0x8001)) return 'application/x-iso9660-image';
  if (startsWith(content, '89504e470d0a1a0a')) return 'image/png';
  if (startsWith(content, 'ffd8ff')) return 'image/jpeg';
  if (startsWith(content, '474946383761') || startsWith(content, '474946383961')) return 'image/gif';
  if (startsWith(content, '7b5c727466')) return 'application/rtf';
  const head = content
    .subarray(0, 1024)
    .toString('latin1')
    .replace(/^\ufeff|^\u00ef\u00bb\u00bf/, '')
    .trimStart()
    .toLowerCase();
  if (HTML_START.some((tag) => head.startsWith(tag))) return 'text/html';
  return '';
}

/** Facts about `raw`; pure apart from hashing. */
export function describeAttachment(raw: RawAttachment): EmailAttachment {
  const { content, filename } = raw;
  const isZip = startsWith(content, '504b0304') || startsWith(content, '504b0506');
  const zipNames = isZip ? zipEntryNames(content) : [];
  const sniffed = sniffContentType(content, zipNames);
  const declared = raw.contentType.toLowerCase();
  const exts = extensions(filename);
  const last = exts[exts.length - 1] ?? '';
  const executable = EXECUTABLE_EXTENSIONS.has(last) || EXECUTABLE_TYPES.has(sniffed);
  const ooxml = sniffed.startsWith('application/vnd.openxmlformats') || sniffed.includes('macroEnabled');
  const oleMacros = startsWith(content, OLE2.toString('hex')) && content.includes(VBA_PROJECT_UTF16);
  const entryHasExecutable = zipNames.some((name) => {
    const entryExts = extensions(name);
    return EXECUTABLE_EXTENSIONS.has(entryExts[entryExts.length - 1] ?? '');
  });
  return {
    messageIndex: raw.messageIndex,
    filename,
    declaredContentType: raw.contentType,
    sniffedContentType: sniffed,
    size: content.length,
    sha256: createHash('sha256').update(content).digest('hex'),
    executable,
    macroEnabled: MACRO_EXTENSIONS.has(last) || sniffed.includes('macroEnabled') || oleMacros,
    archive:
      !ooxml && sniffed !== 'application/java-archive' && (ARCHIVE_TYPES.has(sniffed) || ARCHIVE_EXTENSIONS.has(last)),
    doubleExtension:
      filename.includes(RTLO) ||
      (exts.length >= 2 && EXECUTABLE_EXTENSIONS.has(last) && /^[a-z0-9]{2,5}$/.test(exts[exts.length - 2] ?? '')),
    html: declared === 'text/html' || HTML_EXTENSIONS.has(last) || sniffed === 'text/html',
    archiveEntries: ooxml ? [] : zipNames.slice(0, 200),
    archiveHasExecutable: !ooxml && entryHasExecutable,
  };
}
