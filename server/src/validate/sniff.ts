/**
 * Text-based active content has no magic number, so file-type misses it: this reads the head of a file the way a
 * browser's sniffer would (WHATWG MIME Sniffing, "rules for identifying an unknown MIME type"), and a little more
 * suspiciously. Pure.
 *
 * Text is read in UTF-8 (any ASCII-compatible encoding, really: the markers are ASCII), UTF-16 LE/BE and UTF-32 LE/BE,
 * with or without a byte-order mark. A head that declares its encoding — by a mark, or by the zero bytes ASCII gets
 * in UTF-16/32 — is text before it is anything else: a UTF-16 LE mark (`FF FE`) reads as an MPEG audio frame to a
 * signature detector, yet a browser told nothing more decodes the file as UTF-16 (type.ts asks here first).
 */

/** How much of the head is read, in characters: a browser sniffs 1445 bytes; markup after a long preamble counts. */
export const SNIFF_BYTES = 8192;

export type MarkupFormat = 'html' | 'svg' | 'xml' | 'php' | 'sh';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

// The tags WHATWG sniffing treats as HTML when they open a resource, each followed by a space or `>` (it counts a
// leading `<!--` too; here a comment opens any markup, whose kind its root element then tells).
const HTML_START = /^<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)[\s>]/i;
// Tags that make any text a page as soon as something renders it as one, wherever they sit in the head.
const HTML_ANYWHERE = /<(?:script|html|iframe|object|embed|body|frameset)[\s>/]/i;
const SVG_ANYWHERE = /<svg[\s>/]/i;
// PHP runs whatever follows its open tag, wherever it sits in the file (`<?=` is its short echo).
const PHP_ANYWHERE = /<\?(?:php|=)/i;
const MARKUP_START = /^<(?:\?xml|!doctype|!--|[a-z])/i;
// What text never holds: C0 controls but TAB, LF, FF and CR; DEL; the replacement character a decoder puts for an
// invalid sequence; the noncharacters U+FFFE/U+FFFF (a byte-swapped mark).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const NOT_TEXT = /[\u0000-\u0008\u000b\u000e-\u001f\u007f\ufffd\ufffe\uffff]/;

interface Encoding {
  name: TextEncoding;
  /** Bytes per code unit: 1 for UTF-8 (read byte by byte), 2 or 4. */
  unit: 1 | 2 | 4;
  littleEndian: boolean;
  /** Its byte-order mark. */
  bom: readonly number[];
}

const UTF8: Encoding = { name: 'utf-8', unit: 1, littleEndian: false, bom: [0xef, 0xbb, 0xbf] };
// UTF-32 first: its LE mark begins with UTF-16 LE's.
const WIDE: readonly Encoding[] = [
  { name: 'utf-32le', unit: 4, littleEndian: true, bom: [0xff, 0xfe, 0x00, 0x00] },
  { name: 'utf-32be', unit: 4, littleEndian: false, bom: [0x00, 0x00, 0xfe, 0xff] },
  { name: 'utf-16le', unit: 2, littleEndian: true, bom: [0xff, 0xfe] },
  { name: 'utf-16be', unit: 2, littleEndian: false, bom: [0xfe, 0xff] },
];
/** Code units at the start that must be printable ASCII for a head without a mark to declare UTF-16/32. */
const DECLARING_UNITS = 4;

/** The encoding a head declares, and whether it decodes as clean text in it; null when it declares none. */
export interface DeclaredText {
  encoding: TextEncoding;
  /** By a byte-order mark (else by the zero bytes of its first characters). */
  bom: boolean;
  /** No control character (but white space), invalid sequence or noncharacter in the first characters. */
  clean: boolean;
}

/**
 * What the head says of its own encoding: a byte-order mark (UTF-8, UTF-16 or UTF-32, either order), or first
 * characters that are printable ASCII in UTF-16 or UTF-32 (`<\0h\0`, `\0\0\0<`), which no binary format opens with.
 */
export function declaredText(head: Uint8Array): DeclaredText | null {
  const found = declaration(head);
  if (!found) return null;
  const sample = decode(head, found.encoding, found.bomLength, 512);
  return { encoding: found.encoding.name, bom: found.bomLength > 0, clean: !NOT_TEXT.test(sample) };
}

/**
 * The markup or script kind of a file's head, or null for plain text and unknown bytes. A head that declares its
 * encoding is read in that encoding only; any other in each encoding text can be in, so neither UTF-16 without a
 * mark nor a preamble in another script hides a `<script>`.
 */
export function sniffMarkup(head: Uint8Array): MarkupFormat | null {
  const found = declaration(head);
  const readings = found ? [found] : [UTF8, ...WIDE].map((encoding) => ({ encoding, bomLength: 0 }));
  for (const { encoding, bomLength } of readings) {
    const kind = sniffText(decode(head, encoding, bomLength, SNIFF_BYTES));
    if (kind) return kind;
  }
  return null;
}

/** file-type calls anything that opens with `<?xml` "xml"; SVG and XHTML are the dangerous kinds of it. */
export function refineXml(head: Uint8Array): 'html' | 'svg' | 'xml' {
  const found = declaration(head) ?? { encoding: UTF8, bomLength: 0 };
  return markupKind(decode(head, found.encoding, found.bomLength, SNIFF_BYTES).replace(/^[\t\n\f\r ]+/, ''));
}

function sniffText(text: string): MarkupFormat | null {
  if (PHP_ANYWHERE.test(text)) return 'php';
  const start = text.replace(/^[\t\n\f\r ]+/, '');
  if (start.startsWith('#!')) return 'sh';
  if (HTML_START.test(start)) return 'html';
  if (MARKUP_START.test(start)) {
    const kind = markupKind(start);
    // Bytes that only open like markup: XML forbids the control bytes binary is full of, so no XML parser runs
    // anything in them (a random 1 in ~1,300 binary files opens with `<` and a letter). HTML is still looked for.
    if (kind !== 'xml' || !NOT_TEXT.test(start.slice(0, 512))) return kind;
  }
  if (HTML_ANYWHERE.test(text)) return 'html';
  if (SVG_ANYWHERE.test(text)) return 'svg';
  return null;
}

/** Markup by its root element (`<svg>` holding a `<script>` is SVG), else by the tags anywhere in the head. */
function markupKind(start: string): 'html' | 'svg' | 'xml' {
  const root = rootElement(start);
  if (root === 'svg') return 'svg';
  if (root === 'html' || HTML_ANYWHERE.test(start)) return 'html';
  if (SVG_ANYWHERE.test(start)) return 'svg';
  return 'xml';
}

/** The first element's local name after the prolog (declarations, processing instructions, comments, doctype). */
function rootElement(text: string): string {
  const prolog = /^(?:\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!doctype(?:[^[>]|\[[\s\S]*?\])*>)*/i.exec(text);
  const tag = /^<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)/.exec(text.slice(prolog?.[0].length ?? 0));
  return tag?.[2]?.toLowerCase() ?? '';
}

function declaration(head: Uint8Array): { encoding: Encoding; bomLength: number } | null {
  for (const encoding of [...WIDE, UTF8])
    if (encoding.bom.every((byte, i) => head[i] === byte)) return { encoding, bomLength: encoding.bom.length };
  for (const encoding of WIDE) {
    const units = Math.min(DECLARING_UNITS, Math.floor(head.length / encoding.unit));
    if (units === 0) continue;
    let ascii = true;
    for (let i = 0; i < units && ascii; i++) ascii = isPrintableAscii(unitAt(head, encoding, i * encoding.unit));
    if (ascii) return { encoding, bomLength: 0 };
  }
  return null;
}

function isPrintableAscii(code: number): boolean {
  return (code >= 0x20 && code < 0x7f) || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
}

function unitAt(bytes: Uint8Array, encoding: Encoding, offset: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, encoding.unit);
  return encoding.unit === 4 ? view.getUint32(0, encoding.littleEndian) : view.getUint16(0, encoding.littleEndian);
}

/** Up to `characters` code units of the head after `skip` bytes, as text. */
function decode(head: Uint8Array, encoding: Encoding, skip: number, characters: number): string {
  const end = Math.min(head.length, skip + characters * encoding.unit);
  const bytes = head.subarray(skip, end - ((end - skip) % encoding.unit));
  // Markers are ASCII: latin1 keeps every byte one character, whatever the ASCII-compatible encoding really is.
  if (encoding.unit === 1) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  // `stream` keeps a surrogate pair cut at the end from turning into a replacement character.
  if (encoding.unit === 2) return new TextDecoder(encoding.name, { ignoreBOM: true }).decode(bytes, { stream: true });
  // No TextDecoder reads UTF-32 (the Encoding Standard leaves it out).
  const characterList: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) {
    const code = unitAt(bytes, encoding, offset);
    characterList.push(code > 0x10ffff || (code >= 0xd800 && code < 0xe000) ? '\ufffd' : String.fromCodePoint(code));
  }
  return characterList.join('');
}
