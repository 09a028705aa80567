import { spawnSync } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import type { ByteSource } from '../../src/content/pdf.js';

// PDF syntax is bytes, not text: latin1 maps each char code 0–255 to one byte, both ways.
const bytes = (text: string) => Buffer.from(text, 'latin1');
const pad10 = (n: number) => String(n).padStart(10, '0');

export interface PdfObject {
  num: number;
  /** Everything between `N 0 obj` and `endobj`: a dictionary, maybe followed by `stream … endstream`. */
  body: string;
}

export interface BuildOptions {
  /** Extra text inside the trailer dictionary (after /Size and /Root). */
  trailerExtra?: string;
  /** End of each 20-byte xref entry; '\n' alone makes the 19-byte entries some broken writers emit. */
  entryEol?: ' \n' | '\r\n' | '\n';
}

/** A classic-xref PDF of the given objects with exact offsets; object 1 is the catalog. */
export function buildPdf(objects: PdfObject[], options: BuildOptions = {}): Buffer {
  const eol = options.entryEol ?? ' \n';
  // The binary comment line marks the file as binary for transfer tools, as the spec recommends.
  const parts: Buffer[] = [bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')];
  let length = parts[0]!.length;
  const offsets = new Map<number, number>();
  for (const object of objects) {
    offsets.set(object.num, length);
    const part = bytes(`${object.num} 0 obj\n${object.body}\nendobj\n`);
    parts.push(part);
    length += part.length;
  }
  const size = Math.max(0, ...objects.map((o) => o.num)) + 1;
  let xref = `xref\n0 ${size}\n0000000000 65535 f${eol}`;
  for (let num = 1; num < size; num++) {
    const offset = offsets.get(num);
    xref += offset === undefined ? `0000000000 00000 f${eol}` : `${pad10(offset)} 00000 n${eol}`;
  }
  const trailer = `trailer\n<< /Size ${size} /Root 1 0 R ${options.trailerExtra ?? ''} >>\n`;
  parts.push(bytes(`${xref}${trailer}startxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

export const stream = (dict: string, data: string) =>
  `<< ${dict} /Length ${data.length} >>\nstream\n${data}\nendstream`;

export interface OnePageOptions extends BuildOptions {
  /** Text drawn on the page (goes into the content stream as a string literal). */
  text?: string;
  /** Document title in the Info dictionary (a string literal). */
  title?: string;
  /** Filler objects appended after the page, to make a long xref table. */
  fillerObjects?: number;
}

/** A valid one-page PDF (catalog, pages, page, content, font, info). */
export function onePagePdf(options: OnePageOptions = {}): Buffer {
  const objects: PdfObject[] = [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R] /Count 1 >>' },
    {
      num: 3,
      body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    },
    { num: 4, body: stream('', `BT /F1 24 Tf 72 720 Td (${options.text ?? 'Hello'}) Tj ET`) },
    { num: 5, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>' },
    { num: 6, body: `<< /Title (${options.title ?? 'Fixture'}) /Producer (signet-upload tests) >>` },
  ];
  for (let i = 0; i < (options.fillerObjects ?? 0); i++) objects.push({ num: 7 + i, body: String(i) });
  return buildPdf(objects, { ...options, trailerExtra: `/Info 6 0 R ${options.trailerExtra ?? ''}` });
}

/** The offset in the file's last `startxref`. */
export function lastStartxref(pdf: Buffer): number {
  const matches = [...pdf.toString('latin1').matchAll(/startxref\s+(\d+)/g)];
  const last = matches.at(-1);
  if (!last) throw new Error('fixture has no startxref');
  return Number(last[1]);
}

/** The catalog reference of the newest trailer or xref stream dictionary, e.g. `1 0 R`. */
export function rootRef(pdf: Buffer): string {
  const matches = [...pdf.toString('latin1').matchAll(/\/Root\s+(\d+\s+\d+\s+R)/g)];
  const last = matches.at(-1);
  if (!last) throw new Error('fixture has no /Root');
  return last[1]!;
}

function lastSize(pdf: Buffer): number {
  const last = [...pdf.toString('latin1').matchAll(/\/Size\s+(\d+)/g)].at(-1);
  if (!last) throw new Error('fixture has no /Size');
  return Number(last[1]);
}

export interface UpdateOptions {
  /** New or replaced objects; their generation is 0. */
  objects?: PdfObject[];
  /** /Size of the new trailer (default: the newest /Size, or more when the update adds higher object numbers). */
  size?: number;
  /** /Prev of the new trailer (default: the file's current startxref). A string is written verbatim. */
  prev?: number | string;
  /** Extra text inside the new trailer dictionary; /Encrypt and /ID are deliberately NOT carried over. */
  trailerExtra?: string;
}

/**
 * Appends an incremental update section (objects, classic xref, trailer, startxref) with exact offsets. The new
 * trailer has /Size, /Root and /Prev only, so an /Encrypt of the earlier trailer is reachable only through /Prev.
 */
export function appendUpdate(pdf: Buffer, options: UpdateOptions = {}): Buffer {
  const objects = options.objects ?? [{ num: 6, body: '<< /Title (Updated) >>' }];
  const parts: Buffer[] = [pdf, bytes('\n')];
  let length = pdf.length + 1;
  let xref = 'xref\n0 1\n0000000000 65535 f \n';
  for (const object of objects) {
    const part = bytes(`${object.num} 0 obj\n${object.body}\nendobj\n`);
    xref += `${object.num} 1\n${pad10(length)} 00000 n \n`;
    parts.push(part);
    length += part.length;
  }
  const size = options.size ?? Math.max(lastSize(pdf), ...objects.map((o) => o.num + 1));
  const prev = options.prev ?? lastStartxref(pdf);
  const trailer = `trailer\n<< /Size ${size} /Root ${rootRef(pdf)} /Prev ${prev} ${options.trailerExtra ?? ''} >>\n`;
  parts.push(bytes(`${xref}${trailer}startxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/**
 * Like appendUpdate, but the new section is an uncompressed xref stream (PDF 1.5) rather than a classic table, and
 * its dictionary, too, has no /Encrypt.
 */
export function appendXrefStreamUpdate(
  pdf: Buffer,
  objects: PdfObject[] = [{ num: 6, body: '<< /Title (Updated) >>' }],
) {
  const parts: Buffer[] = [pdf, bytes('\n')];
  let length = pdf.length + 1;
  const entries: [num: number, offset: number][] = [];
  for (const object of objects) {
    entries.push([object.num, length]);
    const part = bytes(`${object.num} 0 obj\n${object.body}\nendobj\n`);
    parts.push(part);
    length += part.length;
  }
  const streamNum = Math.max(lastSize(pdf), ...objects.map((o) => o.num + 1));
  entries.push([streamNum, length]);
  entries.sort((a, b) => a[0] - b[0]);
  // /W [1 4 1]: type 1 (in use), a 4-byte big-endian offset, generation 0.
  const row = (offset: number) =>
    String.fromCharCode(1, offset >>> 24, (offset >>> 16) & 255, (offset >>> 8) & 255, offset & 255, 0);
  const data = entries.map(([, offset]) => row(offset)).join('');
  const index = entries.map(([num]) => `${num} 1`).join(' ');
  const dict = `/Type /XRef /Size ${streamNum + 1} /Root ${rootRef(pdf)} /Prev ${lastStartxref(pdf)} /W [1 4 1] /Index [${index}]`;
  parts.push(bytes(`${streamNum} 0 obj\n${stream(dict, data)}\nendobj\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** Replaces the only occurrence of `search` (a fixture must be unambiguous about what it patches). */
export function replaceOnce(pdf: Buffer, search: string, replacement: string): Buffer {
  const text = pdf.toString('latin1');
  const at = text.indexOf(search);
  if (at < 0 || text.indexOf(search, at + 1) >= 0) throw new Error(`fixture patch: ${search} must occur exactly once`);
  return bytes(text.slice(0, at) + replacement + text.slice(at + search.length));
}

/** Replaces the last occurrence of `search`; the newest trailer is the last one in the file. */
export function replaceLast(pdf: Buffer, search: string, replacement: string): Buffer {
  const text = pdf.toString('latin1');
  const at = text.lastIndexOf(search);
  if (at < 0) throw new Error(`fixture patch: ${search} not found`);
  return bytes(text.slice(0, at) + replacement + text.slice(at + search.length));
}

/** An in-memory ByteSource that records what it hands out. */
export function bufferSource(data: Uint8Array): ByteSource & { bytesRead: number; largestRead: number } {
  return {
    size: data.length,
    bytesRead: 0,
    largestRead: 0,
    async read(offset, length) {
      this.bytesRead += length;
      this.largestRead = Math.max(this.largestRead, length);
      return data.slice(offset, offset + length);
    },
  };
}

/**
 * What the server wraps around a temp file: positional reads on an open FileHandle. `read()` may return fewer bytes
 * than asked near EOF or on a signal, so it loops until the range is filled or the file ends.
 */
export function fileHandleSource(handle: FileHandle, size: number): ByteSource & { bytesRead: number } {
  return {
    size,
    bytesRead: 0,
    async read(offset, length) {
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      this.bytesRead += filled;
      return buffer.subarray(0, filled);
    },
  };
}

export interface QpdfResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function qpdf(...args: string[]): QpdfResult {
  const result = spawnSync('qpdf', args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'qpdf is required to generate and verify the PDF fixtures but is not installed (apt-get install -y qpdf)'
        : `qpdf ${args.join(' ')} failed to run: ${result.error.message}`,
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs qpdf and throws unless it exits 0 (3 means "succeeded with warnings", which a fixture must not need). */
export function qpdfOk(...args: string[]): string {
  const result = qpdf(...args);
  if (result.status !== 0) throw new Error(`qpdf ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}

export type QpdfEncryption =
  | { encrypted: false }
  | { encrypted: true; revision: number; needsPassword: boolean; method: string | undefined };

/**
 * The oracle: qpdf's own reading of the encryption dictionary. `--show-encryption` without a password works on
 * every encrypted file; it says "Incorrect password supplied" when the empty user password does not open it.
 */
export function qpdfEncryption(path: string): QpdfEncryption {
  const out = qpdfOk('--show-encryption', path);
  if (out.includes('File is not encrypted')) return { encrypted: false };
  const revision = /^R = (\d+)$/m.exec(out);
  if (!revision) throw new Error(`unexpected qpdf --show-encryption output for ${path}: ${out}`);
  return {
    encrypted: true,
    revision: Number(revision[1]),
    needsPassword: out.includes('Incorrect password supplied'),
    method: /^file encryption method: (\S+)$/m.exec(out)?.[1],
  };
}

/**
 * A sparse PDF of about `size` bytes: header and most objects at the start, then a hole (zero bytes are PDF
 * white-space), then the content stream, the xref table and the trailer past `size - 4096`, so offsets exceed 2^31.
 */
export async function writeSparsePdf(handle: FileHandle, size: number): Promise<number> {
  const write = async (text: string, position: number) => {
    const data = bytes(text);
    await handle.write(data, 0, data.length, position);
    return position + data.length;
  };
  const offsets: number[] = [];
  let position = await write('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 0);
  const head = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
  ];
  for (const [i, body] of head.entries()) {
    offsets[i + 1] = position;
    position = await write(`${i + 1} 0 obj\n${body}\nendobj\n`, position);
  }
  position = size - 4096;
  offsets[4] = position;
  position = await write(`4 0 obj\n${stream('', '0 0 1 rg 72 72 468 648 re f')}\nendobj\n`, position);
  const xrefAt = position;
  const entries = offsets.slice(1).map((offset) => `${pad10(offset)} 00000 n \n`);
  const tail = `xref\n0 5\n0000000000 65535 f \n${entries.join('')}trailer\n<< /Size 5 /Root 1 0 R >>\n`;
  return write(`${tail}startxref\n${xrefAt}\n%%EOF\n`, xrefAt);
}
