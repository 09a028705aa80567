/**
 * Removes location, device and other personal metadata from JPEG, PNG and WebP files without re-encoding: the
 * container is rewritten segment by segment and the compressed image data is copied as it is, so the pixels stay
 * exactly the same. The orientation survives (a new minimal EXIF block holding only it), and so do colour profiles
 * and everything a decoder needs. Used by the widget before upload and by the reference server (`strip_metadata`
 * in a preset) for uploads that did not come through the widget. Pure TypeScript: no Node or DOM imports.
 *
 * What goes: EXIF (GPS, make, model, serial numbers, dates, thumbnails), XMP, IPTC/Photoshop blocks, comments,
 * PNG text chunks and `tIME`, JPEG multi-picture (MPF) data and anything after the end of the image (where phones
 * keep secondary images with their own EXIF).
 */

/** Kinds of data found and removed, for the words next to the file ("location removed"). */
export type RemovedMetadata = 'location' | 'device' | 'other';

export interface StripResult {
  /** The rewritten file; the input itself when nothing had to go. */
  bytes: Uint8Array;
  /** What was found and removed, most sensitive first; empty when nothing was removed. */
  removed: RemovedMetadata[];
  /** EXIF orientation (1–8) kept in the output, 1 when none. */
  orientation: number;
}

/** File types this module rewrites; other types are left alone (`stripMetadata` returns `undefined`). */
export const STRIPPABLE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Strips the file, or returns `undefined` when it is not a JPEG, PNG or WebP this module can read whole. */
export function stripMetadata(bytes: Uint8Array): StripResult | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return stripJpeg(bytes);
  if (startsWith(bytes, PNG_SIGNATURE)) return stripPng(bytes);
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return stripWebp(bytes);
  return undefined;
}

class Found {
  readonly kinds = new Set<RemovedMetadata>();
  orientation = 1;
  add(kind: RemovedMetadata) {
    this.kinds.add(kind);
  }
  result(bytes: Uint8Array, original: Uint8Array): StripResult {
    const removed = (['location', 'device', 'other'] as const).filter((k) => this.kinds.has(k));
    return { bytes: removed.length === 0 ? original : bytes, removed, orientation: this.orientation };
  }
}

// --- JPEG ---------------------------------------------------------------------------------------------------------

const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

function stripJpeg(bytes: Uint8Array): StripResult | undefined {
  const found = new Found();
  const out = new ByteList();
  out.push(bytes.subarray(0, 2));
  let at = 2;
  let inScan = false;
  let ended = false;
  while (at < bytes.length) {
    if (inScan) {
      // Entropy-coded data: 0xFF is followed by 0x00 (stuffing), a restart marker or fill; anything else is a marker.
      const start = at;
      while (at < bytes.length) {
        if (bytes[at] === 0xff) {
          const next = bytes[at + 1];
          if (next === undefined) return undefined;
          if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at += 2;
          else if (next === 0xff) at += 1;
          else break;
        } else at++;
      }
      out.push(bytes.subarray(start, at));
      inScan = false;
      continue;
    }
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1];
    if (marker === undefined) return undefined;
    if (marker === 0xff) {
      at++; // fill byte before a marker
      continue;
    }
    if (marker === 0xd9) {
      out.push(bytes.subarray(at, at + 2));
      ended = true;
      at += 2;
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      out.push(bytes.subarray(at, at + 2));
      at += 2;
      continue;
    }
    const length = ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return undefined;
    const payload = bytes.subarray(at + 4, end);
    const keep = jpegSegmentKept(marker, payload, found);
    if (keep) out.push(bytes.subarray(at, end));
    else if (marker === 0xe1 && found.orientation !== 1 && !out.orientationWritten) {
      out.push(jpegSegment(0xe1, [...EXIF_HEADER, ...orientationTiff(found.orientation)]));
      out.orientationWritten = true;
    }
    if (marker === 0xda) inScan = true;
    at = end;
  }
  if (!ended) return undefined; // truncated: better upload nothing than a half-understood file
  if (at < bytes.length && bytes.subarray(at).some((b) => b !== 0)) found.add('other'); // trailer: MPF images &c.
  return found.result(out.concat(), bytes);
}

/** Whether a JPEG segment stays; records what a dropped one held. */
function jpegSegmentKept(marker: number, payload: Uint8Array, found: Found): boolean {
  if (marker === 0xe1) {
    if (startsWith(payload, EXIF_HEADER)) readTiff(payload.subarray(6), found);
    else readXmp(payload, found);
    return false;
  }
  if (marker === 0xe0) return ascii(payload, 0, 5) === 'JFIF\0' || ascii(payload, 0, 5) === 'JFXX\0';
  if (marker === 0xe2) {
    if (ascii(payload, 0, 12) === 'ICC_PROFILE\0') return true; // colours
    found.add('other'); // MPF and FlashPix: pointers to secondary images
    return false;
  }
  if (marker === 0xee) return ascii(payload, 0, 5) === 'Adobe'; // tells CMYK decoders how to convert
  if ((marker >= 0xe3 && marker <= 0xef) || marker === 0xfe) {
    if (marker === 0xed) readXmp(payload, found); // Photoshop IRB may hold IPTC location fields
    found.add('other');
    return false;
  }
  return true; // DQT, DHT, SOFn, SOS, DRI, DNL, …: the image itself
}

function jpegSegment(marker: number, payload: number[]): Uint8Array {
  const length = payload.length + 2;
  return Uint8Array.from([0xff, marker, length >> 8, length & 0xff, ...payload]);
}

// --- EXIF (TIFF structure) ---------------------------------------------------------------------------------------

const GPS_IFD = 0x8825;
const EXIF_IFD = 0x8769;
const ORIENTATION = 0x0112;
const DEVICE_TAGS = new Set([
  0x010f, // Make
  0x0110, // Model
  0xa431, // BodySerialNumber
  0xa433, // LensMake
  0xa434, // LensModel
  0xa435, // LensSerialNumber
  0xc62f, // CameraSerialNumber (DNG)
]);

/** Reads what an EXIF block holds: GPS, device tags, the orientation. Bounded: malformed offsets end the walk. */
function readTiff(tiff: Uint8Array, found: Found) {
  if (tiff.length < 8) return found.add('other');
  const little = tiff[0] === 0x49;
  const u16 = (o: number) =>
    o + 2 <= tiff.length ? (little ? tiff[o]! | (tiff[o + 1]! << 8) : (tiff[o]! << 8) | tiff[o + 1]!) : -1;
  const u32 = (o: number) =>
    o + 4 <= tiff.length
      ? little
        ? (tiff[o]! | (tiff[o + 1]! << 8) | (tiff[o + 2]! << 16) | (tiff[o + 3]! << 24)) >>> 0
        : ((tiff[o]! << 24) | (tiff[o + 1]! << 16) | (tiff[o + 2]! << 8) | tiff[o + 3]!) >>> 0
      : -1;
  const seen = new Set<number>();
  const walk = (offset: number, depth: number) => {
    if (depth > 3 || offset < 8 || seen.has(offset)) return;
    seen.add(offset);
    const count = u16(offset);
    for (let i = 0; i < count && i < 512; i++) {
      const entry = offset + 2 + i * 12;
      const tag = u16(entry);
      if (tag < 0) return;
      if (tag === GPS_IFD) found.add(u16(u32(entry + 8)) > 0 ? 'location' : 'other');
      else if (tag === EXIF_IFD) {
        found.add('other'); // exposure, dates, unique image id…
        walk(u32(entry + 8), depth + 1);
      } else if (tag === ORIENTATION && depth === 0) {
        const value = u16(entry + 8);
        if (value >= 1 && value <= 8) found.orientation = value;
      } else found.add(DEVICE_TAGS.has(tag) ? 'device' : 'other');
    }
  };
  walk(u32(4), 0);
}

const latin1 = new TextDecoder('latin1');

/** XMP and IPTC are text: GPS fields and camera identifiers are found by name. */
function readXmp(payload: Uint8Array, found: Found) {
  found.add('other');
  const text = latin1.decode(payload.subarray(0, 1 << 20));
  if (/GPS(?:Latitude|Longitude|Altitude|Position)|Iptc4xmpExt:Location|photoshop:City/.test(text))
    found.add('location');
  if (/tiff:(?:Make|Model)|aux:SerialNumber|exifEX:BodySerialNumber|aux:Lens/.test(text)) found.add('device');
}

/** A big-endian TIFF block with one IFD holding only the orientation. */
function orientationTiff(orientation: number): number[] {
  // "MM", 42, IFD at 8; one entry: tag 0x0112, type SHORT (3), count 1, value; no next IFD.
  return [0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
}

// --- PNG ----------------------------------------------------------------------------------------------------------

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function stripPng(bytes: Uint8Array): StripResult | undefined {
  const found = new Found();
  const out = new ByteList();
  out.push(bytes.subarray(0, 8));
  let at = 8;
  let ended = false;
  while (at + 12 <= bytes.length) {
    const length = readU32BE(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (end > bytes.length) return undefined;
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (!PNG_DROPPED.has(type)) {
      if (type === 'IDAT' && found.orientation !== 1 && !out.orientationWritten) {
        out.push(pngChunk('eXIf', orientationTiff(found.orientation)));
        out.orientationWritten = true;
      }
      out.push(bytes.subarray(at, end));
    } else if (type === 'eXIf') readTiff(data, found);
    else if (type === 'tIME') found.add('other');
    else readXmp(data, found); // text chunks: XMP lives in iTXt "XML:com.adobe.xmp"
    at = end;
    if (type === 'IEND') {
      ended = true;
      break;
    }
  }
  if (!ended) return undefined;
  if (at < bytes.length) found.add('other');
  return found.result(out.concat(), bytes);
}

function pngChunk(type: string, data: number[]): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

let crcTable: Uint32Array | undefined;
function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// --- WebP ---------------------------------------------------------------------------------------------------------

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(bytes: Uint8Array): StripResult | undefined {
  const found = new Found();
  const chunks: Uint8Array[] = [];
  let vp8x: Uint8Array | undefined;
  let at = 12;
  const riffEnd = Math.min(bytes.length, 8 + readU32LE(bytes, 4));
  while (at + 8 <= riffEnd) {
    const type = ascii(bytes, at, 4);
    const length = readU32LE(bytes, at + 4);
    const end = at + 8 + length + (length & 1);
    if (at + 8 + length > riffEnd) return undefined;
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'EXIF') readTiff(startsWith(data, EXIF_HEADER) ? data.subarray(6) : data, found);
    else if (type === 'XMP ') readXmp(data, found);
    else {
      const chunk = bytes.slice(at, Math.min(end, riffEnd));
      if (type === 'VP8X') vp8x = chunk;
      chunks.push(chunk);
    }
    at = end;
  }
  if (vp8x) {
    const flagsAt = 8;
    vp8x[flagsAt] = vp8x[flagsAt]! & ~(VP8X_EXIF | VP8X_XMP);
    if (found.orientation !== 1) {
      vp8x[flagsAt] = vp8x[flagsAt]! | VP8X_EXIF;
      const tiff = orientationTiff(found.orientation);
      const chunk = new Uint8Array(8 + tiff.length);
      chunk.set([0x45, 0x58, 0x49, 0x46]); // "EXIF"
      new DataView(chunk.buffer).setUint32(4, tiff.length, true);
      chunk.set(tiff, 8);
      chunks.push(chunk); // after the image data, where the container specification puts EXIF
    }
  }
  const out = new ByteList();
  const header = bytes.slice(0, 12);
  out.push(header);
  for (const chunk of chunks) out.push(chunk);
  const result = out.concat();
  new DataView(result.buffer).setUint32(4, result.length - 8, true);
  if (riffEnd < bytes.length) found.add('other');
  return found.result(result, bytes);
}

// --- bytes --------------------------------------------------------------------------------------------------------

class ByteList {
  private parts: Uint8Array[] = [];
  private length = 0;
  orientationWritten = false;
  push(part: Uint8Array) {
    this.parts.push(part);
    this.length += part.length;
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  const end = Math.min(bytes.length, offset + length);
  for (let i = offset; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

function readU32BE(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function readU32LE(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
