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
  // Read in place; the extension is sliced only when it is one (1-6 ASCII letters or digits).
  const seg = path.lastIndexOf('/') + 1;
  const dot = path.lastIndexOf('.');
  if (dot <= seg || dot === path.length - 1) return '';
  let upper = false;
  for (let i = dot + 1; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    // Not ASCII: toLowerCase may map it to ASCII (the Kelvin sign to k).
    else if (c >= 128) return slowExtension(path.slice(dot + 1));
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57))) return '';
  }
  if (path.length - dot - 1 > 6) return '';
  const ext = path.slice(dot + 1);
  return upper ? ext.toLowerCase() : ext;
}

function slowExtension(seg: string): string {
  const ext = seg.toLowerCase();
  return /^[a-z0-9]{1,6}$/.test(ext) ? ext : '';
}

export function extensionClass(ext: string): ExtensionClass {
  if (ext === '') return 'none';
  return CLASSES[ext] ?? 'other';
}
