/**
 * What the content checks know about formats, in one place: which detected formats are active content, which name
 * extensions make a claim the bytes can confirm, and which formats are one family (so `clip.mp4` holding an `m4v`
 * passes). Pure data and lookups.
 */
import { normalizeFormat } from '../presets/definition.js';

/**
 * Active content: what a browser, a web server or an operating system runs rather than shows. Markup (HTML, SVG,
 * XML: scripts, event handlers, XSLT), scripts, and native or plug-in executables. Refused by default; a preset with
 * `allow_active_content` takes them as raw files delivered only as attachments.
 */
export const ACTIVE_FORMATS: ReadonlySet<string> = new Set([
  // markup, found by sniffing the head (file-type knows only `<?xml`)
  'html',
  'svg',
  'xml',
  // scripts: PHP and `#!` are found in the bytes; the rest only by the name, as nothing in plain text proves them
  'php',
  'sh',
  'js',
  // executables and plug-ins, found by file-type
  'elf',
  'exe',
  'macho',
  'swf',
  'class',
  'jar',
  'lnk',
  'chm',
]);

/**
 * Name extensions that mark a signature-less (text) file as active: the name is then all there is to go by, and a
 * person who downloads `x.js` gets a script. Normalized first (see NAME_ALIASES).
 */
const ACTIVE_NAME_EXTENSIONS: ReadonlySet<string> = new Set(
  (
    'html shtml xht svg svgz xml xsl xslt js mjs cjs jsx php phtml php3 php4 php5 php7 php8 phps phar pht ' +
    'sh bash zsh ksh csh fish py pyw pl pm cgi rb asp aspx ascx ashx jsp jspx cfm hta bat cmd ps1 psm1 vbs vbe ' +
    'wsf wsh jse reg swf'
  ).split(' '),
);

/** Extensions that name the same format as the detector's name for it. */
const NAME_ALIASES: Readonly<Record<string, string>> = {
  htm: 'html',
  xhtml: 'html',
  jfif: 'jpg',
  mpeg: 'mpg',
  qt: 'mov',
  wmv: 'asf',
  wma: 'asf',
  tgz: 'gz',
};

/**
 * Formats whose detected name may stand for one another: containers shared by several extensions (ISO BMFF, Ogg,
 * Matroska, ZIP-based documents), TIFF-based camera raws, and markup (whose kinds all get the same treatment
 * anyway).
 */
const FAMILIES: readonly (readonly string[])[] = [
  'mp4 m4v m4a m4b m4p mov 3gp 3g2 f4v f4p f4b f4a mj2',
  'heic avif',
  'ogg oga ogv ogx ogm opus spx',
  'mkv webm',
  'mp1 mp2 mp3',
  'mpg mts',
  'tif dng cr2 nef arw',
  'ps eps',
  'jp2 jpx jpm j2c',
  'png apng',
  'ico cur',
  'zip docx xlsx pptx docm xlsm pptm dotx xltx potx dotm xltm potm ppsx ppsm vsdx epub odt ods odp odg ott ots ' +
    'otp otg jar apk xpi 3mf',
  'html svg xml',
].map((family) => family.split(' '));

const FAMILY_OF: ReadonlyMap<string, string> = new Map(
  FAMILIES.flatMap((family) => family.map((format) => [format, family[0] as string] as const)),
);

/**
 * Extensions that claim a format the bytes can confirm: media and documents with a reliable signature, and markup.
 * Generic or loosely used extensions that file-type also names (`dat`, `reg`, `vtt`, `ics`, `tar` …) claim nothing,
 * so a text file called `notes.dat` is not refused for lacking a signature. Every entry is a name the detectors
 * give (a test checks it against file-type), else a real file could never match its own claim.
 */
export const CLAIMABLE_FORMATS: ReadonlySet<string> = new Set(
  (
    'jpg png apng gif webp avif heic bmp tif ico cur psd jxl jp2 jpx icns dng cr2 cr3 nef arw orf rw2 raf ' +
    'mp4 m4v m4a mov 3gp 3g2 webm mkv avi mpg mts flv f4v asf ogg oga ogv opus mp3 wav flac aac aif amr ' +
    'pdf eps ps zip gz bz2 xz 7z rar zst docx xlsx pptx odt ods odp epub rtf html svg xml elf exe wasm'
  ).split(' '),
);

/** A name's extension in the detector's vocabulary (`JPEG` → `jpg`, `htm` → `html`). */
export function canonicalExtension(extension: string): string {
  const lower = extension.toLowerCase();
  return NAME_ALIASES[lower] ?? normalizeFormat(lower);
}

export function sameFamily(a: string, b: string): boolean {
  return a === b || (FAMILY_OF.get(a) ?? a) === (FAMILY_OF.get(b) ?? b);
}

export function isActiveFormat(format: string): boolean {
  return ACTIVE_FORMATS.has(format.toLowerCase());
}

/** True when a signature-less file with this (canonical) name extension must be treated as active content. */
export function isActiveNameExtension(extension: string): boolean {
  return ACTIVE_NAME_EXTENSIONS.has(extension) || ACTIVE_FORMATS.has(extension);
}

/** Declared Content-Types that claim a format (the part's own header); generic ones claim nothing. */
const DECLARED_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/apng': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/avif': 'avif',
  'image/heic': 'heic',
  'image/bmp': 'bmp',
  'image/tiff': 'tif',
  'image/x-icon': 'ico',
  'image/vnd.microsoft.icon': 'ico',
  'image/jxl': 'jxl',
  'image/svg+xml': 'svg',
  'application/pdf': 'pdf',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
  'video/x-msvideo': 'avi',
  'video/x-matroska': 'mkv',
  'video/mpeg': 'mpg',
  'video/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/flac': 'flac',
  'audio/wav': 'wav',
  'application/zip': 'zip',
  'application/gzip': 'gz',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/xml': 'xml',
  'application/xml': 'xml',
};

/** The format a declared Content-Type claims, or '' for a generic or unknown one (`application/octet-stream`). */
export function declaredTypeFormat(contentType: string): string {
  const media = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return DECLARED_TYPES[media] ?? '';
}
