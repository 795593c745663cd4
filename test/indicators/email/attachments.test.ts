import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAttachment, sniffContentType } from '../../../src/indicators/email/attachments';
import { zipEntryNames } from '../../../src/indicators/email/zip-directory';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('sniffContentType', () => {
  const iso = Buffer.alloc(0x8010);
  iso.write('CD001', 0x8001, 'latin1');
  const cases: Array<[string, Buffer, string]> = [
    ['PE', Buffer.from('MZ\x90\x00'), 'application/vnd.microsoft.portable-executable'],
    ['ELF', hex('7f454c46 0201'), 'application/x-elf'],
    ['Mach-O 64', hex('cffaedfe 07000001'), 'application/x-mach-binary'],
    ['fat Mach-O', hex('cafebabe 00000002'), 'application/x-mach-binary'],
    ['Java class is not Mach-O', hex('cafebabe 00000034'), ''],
    ['ZIP without a directory', hex('504b0304 0000'), 'application/zip'],
    ['OLE2', hex('d0cf11e0a1b11ae1 0000'), 'application/x-ole-storage'],
    [
      'OLE2 Word',
      Buffer.concat([hex('d0cf11e0a1b11ae1'), Buffer.from('WordDocument', 'utf16le')]),
      'application/msword',
    ],
    [
      'OLE2 Excel',
      Buffer.concat([hex('d0cf11e0a1b11ae1'), Buffer.from('Workbook', 'utf16le')]),
      'application/vnd.ms-excel',
    ],
    ['RAR', hex('526172211a0700'), 'application/vnd.rar'],
    ['7z', hex('377abcaf271c 0004'), 'application/x-7z-compressed'],
    ['gzip', hex('1f8b0800'), 'application/gzip'],
    ['PDF', Buffer.from('%PDF-1.7\n'), 'application/pdf'],
    ['PDF after junk', Buffer.from('\r\n\r\n%PDF-1.4'), 'application/pdf'],
    ['ISO 9660', iso, 'application/x-iso9660-image'],
    ['PNG', hex('89504e470d0a1a0a 0000'), 'image/png'],
    ['JPEG', hex('ffd8ffe0'), 'image/jpeg'],
    ['GIF', Buffer.from('GIF89a'), 'image/gif'],
    ['HTML with BOM and white space', Buffer.from('\ufeff\n  <!DOCTYPE html><html>'), 'text/html'],
    ['HTML starting with a script', Buffer.from('<script>location="x"</script>'), 'text/html'],
    ['LNK', hex('4c000000 01140200 00000000 c0000000 00000046'), 'application/x-ms-shortcut'],
    ['plain text', Buffer.from('hello'), ''],
    ['empty', Buffer.alloc(0), ''],
  ];
  for (const [name, content, expected] of cases) {
    it(name, () =>
      assert.equal(sniffContentType(content, name.startsWith('ZIP') ? zipEntryNames(content) : []), expected),
    );
  }
});

describe('describeAttachment flags', () => {
  const pe = Buffer.from('MZ');
  const ole = Buffer.concat([hex('d0cf11e0a1b11ae1'), Buffer.alloc(64), Buffer.from('_VBA_PROJECT', 'utf16le')]);
  const cases: Array<[string, string, Buffer, string[]]> = [
    ['invoice.pdf.exe', 'application/pdf', pe, ['executable', 'doubleExtension']],
    ['invoice.pdf   .scr', 'application/octet-stream', Buffer.from('x'), ['executable', 'doubleExtension']],
    ['photo\u202egpj.exe', 'image/jpeg', pe, ['executable', 'doubleExtension']],
    ['setup.exe', 'application/octet-stream', Buffer.from('not really'), ['executable']],
    ['renamed.txt', 'text/plain', pe, ['executable']],
    ['archive.tar.gz', 'application/gzip', hex('1f8b08'), ['archive']],
    ['budget.xlsm', 'application/octet-stream', Buffer.from('x'), ['macroEnabled']],
    ['legacy.doc', 'application/msword', ole, ['macroEnabled']],
    ['clean.doc', 'application/msword', hex('d0cf11e0a1b11ae1'), []],
    ['page.htm', 'application/octet-stream', Buffer.from('hi'), ['html']],
    ['disk.iso', 'application/octet-stream', Buffer.from('x'), ['archive']],
    ['notes.pdf', 'application/pdf', Buffer.from('%PDF-1.5'), []],
  ];
  for (const [filename, contentType, content, expected] of cases) {
    it(filename, () => {
      const facts = describeAttachment({ messageIndex: 0, filename, contentType, content });
      const flags = (['executable', 'macroEnabled', 'archive', 'doubleExtension', 'html'] as const).filter(
        (f) => facts[f],
      );
      assert.deepEqual(flags, expected);
    });
  }

  it('size and sha256 are of the decoded content', () => {
    const facts = describeAttachment({
      messageIndex: 3,
      filename: 'a.bin',
      contentType: 'application/octet-stream',
      content: Buffer.from('abc'),
    });
    assert.equal(facts.size, 3);
    assert.equal(facts.sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(facts.messageIndex, 3);
  });
});

describe('zipEntryNames', () => {
  it('returns [] for truncated or hostile archives without throwing', () => {
    const eocdOnly = hex('504b0506 0000 0000 ffff ffff 00000000 ffffff7f 0000');
    assert.deepEqual(zipEntryNames(eocdOnly), []);
    assert.deepEqual(zipEntryNames(hex('504b0304')), []);
    assert.deepEqual(zipEntryNames(Buffer.alloc(0)), []);
  });
});
