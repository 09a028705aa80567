/**
 * Text-based active content has no magic number, so file-type misses it: this reads the head of a signature-less
 * file the way a browser's sniffer would (WHATWG MIME Sniffing, "rules for identifying an unknown MIME type"), and
 * a little more suspiciously. Pure.
 */

/** How much of the head is read: a browser sniffs 1445 bytes; markup after a long preamble still counts here. */
export const SNIFF_BYTES = 8192;

export type MarkupFormat = 'html' | 'svg' | 'xml' | 'php' | 'sh';

// The tags WHATWG sniffing treats as HTML when they open a resource, each followed by a space or `>` (it counts a
// leading `<!--` too; here a comment opens any markup, whose kind its root element then tells).
const HTML_START = /^<(?:!doctype\s+html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p)[\s>]/i;
// Tags that make any text a page as soon as something renders it as one, wherever they sit in the head.
const HTML_ANYWHERE = /<(?:script|html|iframe|object|embed|body|frameset)[\s>/]/i;
const SVG_ANYWHERE = /<svg[\s>/]/i;
// PHP runs whatever follows its open tag, wherever it sits in the file (`<?=` is its short echo).
const PHP_ANYWHERE = /<\?(?:php|=)/i;
const MARKUP_START = /^<(?:\?xml|!doctype|!--|[a-z])/i;

/**
 * The markup or script kind of a signature-less file's head, or null for plain text and unknown bytes. A UTF-16 or
 * UTF-8 byte-order mark is honoured, as browsers honour it.
 */
export function sniffMarkup(head: Uint8Array): MarkupFormat | null {
  const text = decodeHead(head.subarray(0, SNIFF_BYTES));
  if (PHP_ANYWHERE.test(text)) return 'php';
  const start = text.replace(/^[\t\n\f\r ]+/, '');
  if (start.startsWith('#!')) return 'sh';
  if (HTML_START.test(start)) return 'html';
  if (MARKUP_START.test(start)) return markupKind(start);
  if (HTML_ANYWHERE.test(text)) return 'html';
  if (SVG_ANYWHERE.test(text)) return 'svg';
  return null;
}

/** file-type calls anything that opens with `<?xml` "xml"; SVG and XHTML are the dangerous kinds of it. */
export function refineXml(head: Uint8Array): 'html' | 'svg' | 'xml' {
  return markupKind(decodeHead(head.subarray(0, SNIFF_BYTES)).replace(/^[\t\n\f\r ]+/, ''));
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

function decodeHead(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head.subarray(2));
  if (head[0] === 0xfe && head[1] === 0xff) return new TextDecoder('utf-16be').decode(head.subarray(2));
  const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  // Markers are ASCII: latin1 keeps every byte one character, whatever the real encoding.
  return Buffer.from(head.buffer, head.byteOffset + bom, head.byteLength - bom).toString('latin1');
}
