/**
 * Detects password-protected PDFs without parsing the document: it reads the header, the tail (for the last
 * `startxref`) and the cross-reference chain (`/Prev`, `/XRefStm`), and looks for an `/Encrypt` key in each trailer
 * or xref-stream dictionary. Every read is bounded, so a 2 GB file costs a few KiB, in the browser (on a File,
 * before upload) and on the server (on the temp file) alike. Pure TypeScript: no Node or DOM imports beyond `Blob`.
 *
 * The module returns statuses only; the words the user sees live in the locales, keyed by the error code.
 */
import { UploadError } from '../errors.js';
import { ascii, HEADER_WINDOW, indexOf, isPdfHeader } from './pdf-header.js';

export { isPdfHeader };

/** Random access to the bytes of a file: a Blob in the browser, a FileHandle on the server. */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; never asked past `size`. A shorter answer means the file changed. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export type PdfCheck = { status: 'ok' } | { status: 'encrypted' } | { status: 'unreadable'; reason: string };

export interface PdfLimits {
  /** How much of the end of the file is searched for the last `startxref` (writers put it in the last 1 KiB). */
  tailBytes: number;
  /** Most cross-reference sections visited through `/Prev` and `/XRefStm` (one per incremental save). */
  maxSections: number;
  /** Largest read window for one trailer or xref-stream dictionary. */
  maxDictionaryBytes: number;
  /** All reads together; the hard bound on I/O and memory whatever the file claims. */
  maxReadBytes: number;
}

export const PDF_LIMITS = {
  tailBytes: 4096,
  // Heavily edited or multiply signed files reach a few dozen incremental saves; real chains rarely exceed that.
  maxSections: 64,
  maxDictionaryBytes: 64 * 1024,
  maxReadBytes: 8 * 1024 * 1024,
} as const satisfies PdfLimits;

/** The first read of any structure; grown ×4 up to `maxDictionaryBytes` when the structure does not fit. */
const CHUNK = 4096;

/** A ByteSource over a Blob or File; each read slices only the requested range. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}

/**
 * Checks whether a PDF is encrypted. 'unreadable' covers anything that is not a well-formed cross-reference chain
 * (missing startxref, offsets outside the file, truncation, loops, limits exceeded). Errors thrown by the source
 * (I/O) are not a verdict on the file and propagate.
 */
export async function checkPdf(source: ByteSource, limits: Partial<PdfLimits> = {}): Promise<PdfCheck> {
  const reader = new Reader(source, { ...PDF_LIMITS, ...limits });
  try {
    return (await walkChain(reader)) ? { status: 'encrypted' } : { status: 'ok' };
  } catch (error) {
    if (error instanceof Unreadable) return { status: 'unreadable', reason: error.message };
    throw error;
  }
}

/** The UploadError for a failed check, or undefined when the PDF may be uploaded. */
export function pdfCheckError(check: PdfCheck): UploadError | undefined {
  // Messages are for logs; the UI words come from the locales, keyed by the code.
  switch (check.status) {
    case 'encrypted':
      return new UploadError('PDF_ENCRYPTED', 'PDF is encrypted (/Encrypt in its xref chain)');
    case 'unreadable':
      return new UploadError('PDF_UNREADABLE', `PDF xref chain unreadable: ${check.reason}`);
    case 'ok':
      return undefined;
  }
}

/** Internal: unwinds to checkPdf, which turns it into an 'unreadable' status. */
class Unreadable extends Error {}

/** Internal: a parse ran off the end of its read window before the end of the file; the caller reads more. */
class NeedMore extends Error {}
const NEED_MORE = new NeedMore('parse ran past the read window');

const STARTXREF = ascii('startxref');

/** What a trailer or xref-stream dictionary says about the chain. */
interface SectionDictionary {
  encrypt: boolean;
  prev?: number;
  xrefStm?: number;
  type?: string;
}

/** Follows the chain from the last startxref; true as soon as any section declares /Encrypt. */
async function walkChain(reader: Reader): Promise<boolean> {
  const head = await reader.window(0, HEADER_WINDOW);
  if (!isPdfHeader(head)) throw new Unreadable('no %PDF- header in the first 1024 bytes');

  // A stack, not a queue: a hybrid file's /XRefStm belongs to the same revision and is read before its /Prev.
  const pending: { offset: number; via: string; hybrid: boolean }[] = [
    { offset: await findStartxref(reader), via: 'startxref', hybrid: false },
  ];
  const visited = new Set<number>();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { offset, via } = next;
    if (offset >= reader.size) throw new Unreadable(`${via} offset ${offset} is past the end of the file`);
    if (visited.has(offset)) throw new Unreadable(`cross-reference chain loops back to offset ${offset}`);
    if (visited.size >= reader.limits.maxSections) {
      throw new Unreadable(`more than ${reader.limits.maxSections} cross-reference sections`);
    }
    visited.add(offset);

    const section = await readSection(reader, offset, via);
    if (section.encrypt) return true;
    if (section.prev !== undefined && !next.hybrid) pending.push({ offset: section.prev, via: '/Prev', hybrid: false });
    // /XRefStm only means something in a classic trailer, and the chain continues through that trailer's /Prev,
    // not through any /Prev of the hybrid stream itself.
    if (section.xrefStm !== undefined && section.type !== 'XRef') {
      pending.push({ offset: section.xrefStm, via: '/XRefStm', hybrid: true });
    }
  }
  return false;
}

async function findStartxref(reader: Reader): Promise<number> {
  const length = Math.min(reader.limits.tailBytes, reader.size);
  const start = reader.size - length;
  const tail = await reader.window(start, length);
  const at = indexOf(tail, STARTXREF, true);
  if (at < 0) throw new Unreadable(`no startxref in the last ${length} bytes`);
  const lexer = new Lexer(tail, start, true);
  lexer.pos = at + STARTXREF.length;
  lexer.skipSpace();
  const token = lexer.pos < tail.length ? lexer.next() : undefined;
  if (token?.type !== 'integer' || token.value < 0) throw new Unreadable('startxref is not followed by an offset');
  return token.value;
}

/** Reads the section at `offset`: a classic `xref` table plus its trailer, or an xref stream object's dictionary. */
async function readSection(reader: Reader, offset: number, via: string): Promise<SectionDictionary> {
  const start = await reader.parseAt(offset, 'cross-reference section', (lexer) => {
    const first = lexer.next();
    if (first.type === 'keyword' && first.value === 'xref') return { kind: 'classic', at: lexer.offset } as const;
    // An xref stream is an indirect object: `N G obj << /Type /XRef … >> stream`.
    const generation = first.type === 'integer' ? lexer.next() : undefined;
    const keyword = generation?.type === 'integer' ? lexer.next() : undefined;
    if (keyword?.type !== 'keyword' || keyword.value !== 'obj') {
      throw new Unreadable(`${via} offset ${offset} points to neither an xref table nor an object`);
    }
    return { kind: 'stream', dictionary: readDictionary(lexer) } as const;
  });
  if (start.kind === 'stream') {
    if (start.dictionary.type !== 'XRef') {
      throw new Unreadable(`${via} offset ${offset} is an object but not an xref stream`);
    }
    return start.dictionary;
  }

  // Classic table: subsection headers `first count`, each followed by `count` fixed-size entries that we skip over
  // unread, until the `trailer` keyword.
  let position = start.at;
  for (;;) {
    const step = await reader.parseAt(position, 'xref subsection or trailer', (lexer) => {
      const token = lexer.next();
      if (token.type === 'keyword' && token.value === 'trailer') {
        return { kind: 'trailer', dictionary: readDictionary(lexer) } as const;
      }
      const count = lexer.next();
      if (token.type !== 'integer' || token.value < 0 || count.type !== 'integer' || count.value < 0) {
        throw new Unreadable(`malformed xref table at offset ${lexer.offset}`);
      }
      if (count.value === 0) return { kind: 'subsection', next: lexer.offset } as const;
      lexer.skipSpace();
      return { kind: 'subsection', next: lexer.offset + count.value * lexer.entryLength() } as const;
    });
    if (step.kind === 'trailer') return step.dictionary;
    if (step.next > reader.size) {
      throw new Unreadable(`xref subsection at offset ${position} runs past the end of the file`);
    }
    position = step.next;
  }
}

/** The top level of a dictionary: only the keys that matter here are kept; nested values are skipped. */
function readDictionary(lexer: Lexer): SectionDictionary {
  const open = lexer.next();
  if (open.type !== '<<') throw new Unreadable(`expected a dictionary at offset ${lexer.offset}`);
  const result: SectionDictionary = { encrypt: false };
  for (;;) {
    const key = lexer.next();
    if (key.type === '>>') return result;
    if (key.type !== 'name') throw new Unreadable(`dictionary key is not a name at offset ${lexer.offset}`);
    const value = readValue(lexer);
    // A null value is the same as an absent key (ISO 32000-1 7.3.7), so `/Encrypt null` is not encryption.
    if (key.value === 'Encrypt' && value.type !== 'null') result.encrypt = true;
    if (key.value === 'Type' && value.type === 'name') result.type = value.value;
    if (key.value === 'Prev' || key.value === 'XRefStm') {
      if (value.type !== 'integer' || value.value < 0) {
        throw new Unreadable(`/${key.value} is not an offset at ${lexer.offset}`);
      }
      if (key.value === 'Prev') result.prev = value.value;
      else result.xrefStm = value.value;
    }
  }
}

type Value = { type: 'integer'; value: number } | { type: 'name'; value: string } | { type: 'null' | 'other' };

function readValue(lexer: Lexer): Value {
  const token = lexer.next();
  switch (token.type) {
    case 'integer': {
      // `N G R` is an indirect reference, not the integer N.
      const mark = lexer.pos;
      const generation = lexer.next();
      if (generation.type === 'integer') {
        const r = lexer.next();
        if (r.type === 'keyword' && r.value === 'R') return { type: 'other' };
      }
      lexer.pos = mark;
      return token;
    }
    case 'name':
      return token;
    case 'string':
      return { type: 'other' };
    case '<<':
    case '[':
      skipContainer(lexer, token.type);
      return { type: 'other' };
    case 'keyword':
      if (token.value === 'null') return { type: 'null' };
      if (token.value === 'true' || token.value === 'false' || /^[+-]?(\d+\.?\d*|\.\d+)$/.test(token.value)) {
        return { type: 'other' };
      }
      throw new Unreadable(`unexpected "${token.value.slice(0, 32)}" in a dictionary at offset ${lexer.offset}`);
    default:
      throw new Unreadable(`unexpected "${token.type}" in a dictionary at offset ${lexer.offset}`);
  }
}

/** Skips a nested dictionary or array without recursion, so deep nesting cannot exhaust the stack. */
function skipContainer(lexer: Lexer, open: '<<' | '['): void {
  const closers: ('>>' | ']')[] = [open === '<<' ? '>>' : ']'];
  while (closers.length > 0) {
    const token = lexer.next();
    if (token.type === '<<') closers.push('>>');
    else if (token.type === '[') closers.push(']');
    else if (token.type === '>>' || token.type === ']') {
      if (closers.pop() !== token.type) throw new Unreadable(`mismatched "${token.type}" at offset ${lexer.offset}`);
    }
  }
}

/** Bounded reads with a one-window cache (consecutive xref subsections usually sit in the same window). */
class Reader {
  private bytesRead = 0;
  private cacheStart = 0;
  private cache: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly source: ByteSource,
    readonly limits: PdfLimits,
  ) {}

  get size(): number {
    return this.source.size;
  }

  /** Up to `length` bytes at `offset`, fewer only at the end of the file. */
  async window(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(offset + length, this.size);
    if (offset >= this.cacheStart && end <= this.cacheStart + this.cache.length) {
      return this.cache.subarray(offset - this.cacheStart, end - this.cacheStart);
    }
    const wanted = end - offset;
    this.bytesRead += wanted;
    if (this.bytesRead > this.limits.maxReadBytes) {
      throw new Unreadable(`the cross-reference chain needs more than ${this.limits.maxReadBytes} bytes of reading`);
    }
    const bytes = await this.source.read(offset, wanted);
    if (bytes.length !== wanted) throw new Unreadable(`short read at offset ${offset}: the file changed`);
    this.cache = bytes;
    this.cacheStart = offset;
    return bytes;
  }

  /** Runs `parse` on the cached bytes at `offset` if any, else on a window grown until the parse fits or a limit. */
  async parseAt<T>(offset: number, what: string, parse: (lexer: Lexer) => T): Promise<T> {
    if (offset >= this.cacheStart && offset < this.cacheStart + this.cache.length) {
      const cached = this.cache.subarray(offset - this.cacheStart);
      const result = attempt(parse, new Lexer(cached, offset, offset + cached.length >= this.size));
      if (!(result instanceof NeedMore)) return result;
    }
    const max = Math.max(CHUNK, this.limits.maxDictionaryBytes);
    for (let length = CHUNK; ; length = Math.min(length * 4, max)) {
      const window = await this.window(offset, length);
      const result = attempt(parse, new Lexer(window, offset, offset + window.length >= this.size));
      if (!(result instanceof NeedMore)) return result;
      if (length >= max) throw new Unreadable(`${what} at offset ${offset} is larger than ${max} bytes`);
    }
  }
}

function attempt<T>(parse: (lexer: Lexer) => T, lexer: Lexer): T | NeedMore {
  try {
    return parse(lexer);
  } catch (error) {
    if (error === NEED_MORE) return NEED_MORE;
    throw error;
  }
}

type Token =
  | { type: 'integer'; value: number }
  | { type: 'name'; value: string }
  /** Any other regular token: true, false, null, R, obj, xref, trailer, reals, junk. */
  | { type: 'keyword'; value: string }
  | { type: 'string' | '<<' | '>>' | '[' | ']' };

// Character classes of ISO 32000-1 7.2.2: 1 = white-space, 2 = delimiter, 0 = regular.
const CLASS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[c] = 1;
for (const c of ascii('()<>[]{}/%')) CLASS[c] = 2;
const EOF = -1;

/** PDF tokens over one read window; `complete` says the window ends at the end of the file. */
class Lexer {
  pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
    private readonly complete: boolean,
  ) {}

  /** File offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** The byte at window index `i`, EOF past the end of the file, NEED_MORE past the end of the window. */
  private at(i: number): number {
    if (i < this.bytes.length) return this.bytes[i]!;
    if (this.complete) return EOF;
    throw NEED_MORE;
  }

  /** Skips white-space and comments (a comment can hide anything, including the text `/Encrypt`). */
  skipSpace(): void {
    for (;;) {
      const c = this.at(this.pos);
      if (c === 0x25) {
        while (this.at(this.pos) !== 0x0a && this.at(this.pos) !== 0x0d && this.at(this.pos) !== EOF) this.pos++;
      } else if (c !== EOF && CLASS[c] === 1) {
        this.pos++;
      } else {
        return;
      }
    }
  }

  next(): Token {
    this.skipSpace();
    const c = this.at(this.pos);
    if (c === EOF) throw new Unreadable(`unexpected end of file at offset ${this.offset}`);
    switch (c) {
      case 0x2f: // '/'
        this.pos++;
        return { type: 'name', value: this.name() };
      case 0x28: // '('
        this.literalString();
        return { type: 'string' };
      case 0x3c: // '<'
        if (this.at(this.pos + 1) === 0x3c) {
          this.pos += 2;
          return { type: '<<' };
        }
        this.hexString();
        return { type: 'string' };
      case 0x3e: // '>'
        if (this.at(this.pos + 1) !== 0x3e) throw new Unreadable(`stray ">" at offset ${this.offset}`);
        this.pos += 2;
        return { type: '>>' };
      case 0x5b: // '['
        this.pos++;
        return { type: '[' };
      case 0x5d: // ']'
        this.pos++;
        return { type: ']' };
      default: {
        if (CLASS[c] === 2) throw new Unreadable(`unexpected "${String.fromCharCode(c)}" at offset ${this.offset}`);
        const text = this.regular();
        if (/^[+-]?\d+$/.test(text)) {
          const value = Number(text);
          if (Number.isSafeInteger(value)) return { type: 'integer', value };
        }
        return { type: 'keyword', value: text };
      }
    }
  }

  /** Length of each entry of the xref subsection starting here: 20 per the spec, 19 from some broken writers. */
  entryLength(): 19 | 20 {
    const p = this.pos;
    const digits = (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const c = this.at(p + i);
        if (c < 0x30 || c > 0x39) return false;
      }
      return true;
    };
    const type = this.at(p + 17);
    if (!digits(0, 10) || this.at(p + 10) !== 0x20 || !digits(11, 5) || this.at(p + 16) !== 0x20) {
      throw new Unreadable(`malformed xref entry at offset ${this.offset}`);
    }
    if (type !== 0x6e && type !== 0x66) throw new Unreadable(`malformed xref entry at offset ${this.offset}`);
    const [a, b] = [this.at(p + 18), this.at(p + 19)];
    const isEol = (x: number) => x === 0x0a || x === 0x0d;
    if ((a === 0x20 && isEol(b)) || (a === 0x0d && b === 0x0a)) return 20;
    if (isEol(a)) return 19;
    throw new Unreadable(`malformed xref entry at offset ${this.offset}`);
  }

  /** A name after its '/', with #xx escapes decoded (`/Encr#79pt` is `/Encrypt`). */
  private name(): string {
    let value = '';
    for (let c = this.at(this.pos); c !== EOF && CLASS[c] === 0; c = this.at(this.pos)) {
      const hex = c === 0x23 ? hexPair(this.at(this.pos + 1), this.at(this.pos + 2)) : -1;
      if (hex >= 0) {
        value += String.fromCharCode(hex);
        this.pos += 3;
      } else {
        value += String.fromCharCode(c);
        this.pos++;
      }
    }
    return value;
  }

  /** Skips `( … )`: parentheses nest, a backslash escapes the next byte. */
  private literalString(): void {
    const start = this.offset;
    let depth = 0;
    for (;;) {
      const c = this.at(this.pos++);
      if (c === EOF) throw new Unreadable(`unterminated string at offset ${start}`);
      if (c === 0x5c) this.pos++;
      else if (c === 0x28) depth++;
      else if (c === 0x29 && --depth === 0) return;
    }
  }

  /** Skips `< … >`. */
  private hexString(): void {
    const start = this.offset;
    for (;;) {
      const c = this.at(++this.pos);
      if (c === EOF) throw new Unreadable(`unterminated hex string at offset ${start}`);
      if (c === 0x3e) {
        this.pos++;
        return;
      }
      if (CLASS[c] !== 1 && hexPair(c, 0x30) < 0) throw new Unreadable(`bad hex string at offset ${start}`);
    }
  }

  private regular(): string {
    const start = this.pos;
    for (let c = this.at(this.pos); c !== EOF && CLASS[c] === 0; c = this.at(this.pos)) this.pos++;
    // Bounded by the read window; long junk only needs to be recognised as junk.
    return String.fromCharCode(...this.bytes.subarray(start, Math.min(this.pos, start + 64)));
  }
}

/** The byte value of two hex digits, or -1. */
function hexPair(high: number, low: number): number {
  const digit = (c: number) =>
    c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
  const [h, l] = [digit(high), digit(low)];
  return h < 0 || l < 0 ? -1 : h * 16 + l;
}
