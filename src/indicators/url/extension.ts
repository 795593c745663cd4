/**
 * File extension of a URL path's last segment, and its class. The extension is the text after the
 * last dot of the last segment, compared whole: `.png` is an image, `/shop/app` or `/login.jsp` is
 * not (a character class like `[png|jpg]$` would call every path ending in p, n, g or j an image).
 */

export type ExtensionClass =
  | 'none'
  | 'php'
  | 'html'
  | 'server_script'
  | 'executable'
  | 'archive'
  | 'document'
  | 'image'
  | 'other';

const CLASSES: Readonly<Record<string, ExtensionClass>> = {
  php: 'php',
  php3: 'php',
  php4: 'php',
  php5: 'php',
  phtml: 'php',
  html: 'html',
  htm: 'html',
  shtml: 'html',
  xhtml: 'html',
  asp: 'server_script',
  aspx: 'server_script',
  jsp: 'server_script',
  cgi: 'server_script',
  pl: 'server_script',
  do: 'server_script',
  action: 'server_script',
  exe: 'executable',
  scr: 'executable',
  msi: 'executable',
  bat: 'executable',
  cmd: 'executable',
  apk: 'executable',
  jar: 'executable',
  dll: 'executable',
  bin: 'executable',
  sh: 'executable',
  ps1: 'executable',
  vbs: 'executable',
  hta: 'executable',
  dmg: 'executable',
  zip: 'archive',
  rar: 'archive',
  '7z': 'archive',
  gz: 'archive',
  tgz: 'archive',
  tar: 'archive',
  iso: 'archive',
  img: 'archive',
  pdf: 'document',
  doc: 'document',
  docx: 'document',
  docm: 'document',
  xls: 'document',
  xlsx: 'document',
  xlsm: 'document',
  ppt: 'document',
  pptx: 'document',
  rtf: 'document',
  odt: 'document',
  txt: 'document',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  bmp: 'image',
  webp: 'image',
  svg: 'image',
  ico: 'image',
};

/** Lower-case extension of the path's last segment without the dot, '' when it has none. */
export function fileExtension(path: string): string {
  const seg = path.slice(path.lastIndexOf('/') + 1);
  const dot = seg.lastIndexOf('.');
  if (dot <= 0 || dot === seg.length - 1) return '';
  const ext = seg.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,6}$/.test(ext) ? ext : '';
}

export function extensionClass(ext: string): ExtensionClass {
  if (ext === '') return 'none';
  return CLASSES[ext] ?? 'other';
}
