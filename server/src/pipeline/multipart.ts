/**
 * Reads a multipart/form-data upload with busboy, parameters first: every text field must come before the one file
 * part (the official SDKs, the widget and Companion all send them so). When the file part starts, `onFile` gets the
 * parameters received so far and decides — authorises — before it consumes a byte of the file; a field after the
 * file is refused. Any failure stops reading and waits for the file handler to settle (so the caller can remove what
 * it wrote); the caller's error renderer then ends the request without reading the rest of its body.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { UploadError } from 'signet-upload/protocol';
import { mediaType } from '../http/respond.js';

export interface FilePartInfo {
  /** The client's file name: display only, never a path. */
  filename: string;
  /** The part's declared Content-Type (busboy says text/plain when there is none): checked, never trusted. */
  mimeType: string;
  /**
   * A lower bound of the file's size from the request's Content-Length (what is left of the body once the part's
   * headers were read, less the closing boundary); null without a Content-Length. Lets a declared oversize body be
   * refused before it is read.
   */
  atLeast: number | null;
}

export interface MultipartHandlers {
  /** `fileField`: the longest `file` sent as a text field (a data URI, a URL); default `fieldSize`. */
  limits: { fields: number; fieldSize: number; fileSize: number; fileField?: number };
  /** The error when the file part goes over `limits.fileSize` (413 for uploads, 400 for a chunk longer than said). */
  fileTooLarge: () => UploadError;
  onField(name: string, value: string): void;
  /** `file` sent as a text field (Cloudinary's data URI or remote URL); without this handler it is refused. */
  onFileField?(value: string): void;
  /** Must consume `stream` (or throw before reading it). */
  onFile(stream: Readable, info: FilePartInfo): Promise<void>;
}

export function readMultipart(req: IncomingMessage, handlers: MultipartHandlers): Promise<void> {
  if (mediaType(req) !== 'multipart/form-data')
    return Promise.reject(new UploadError('BAD_REQUEST', 'The upload must be sent as multipart/form-data.'));
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        // busboy flags a part as over the limit when it *reaches* the limit, so give it one byte more: a file of
        // exactly `fileSize` bytes passes, one byte more fails.
        limits: {
          fields: handlers.limits.fields,
          fieldSize: Math.max(handlers.limits.fieldSize, handlers.limits.fileField ?? 0) + 1,
          files: 1,
          fileSize: handlers.limits.fileSize + 1,
          fieldNameSize: 200,
        },
      });
    } catch (cause) {
      reject(new UploadError('BAD_REQUEST', 'Malformed multipart/form-data request.', { cause }));
      return;
    }

    const declared = Number(req.headers['content-length']);
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
    // `\r\n--<boundary>--\r\n` follows the file's last byte.
    const closing = (boundary?.[1] ?? boundary?.[2] ?? '').length + 8;
    let consumed = 0;
    const count = (chunk: Buffer): void => {
      consumed += chunk.length;
    };
    req.on('data', count);

    let failed = false;
    let fileSeen = false;
    let fileDone: Promise<void> | undefined;
    let fileStream: Readable | undefined;

    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      req.off('data', count);
      fileStream?.destroy();
      const settled = fileDone?.catch(() => {}) ?? Promise.resolve();
      void settled.then(() => reject(error));
    };
    const guard = (action: () => void): void => {
      if (failed) return;
      try {
        action();
      } catch (error) {
        fail(error);
      }
    };

    parser.on('field', (name, value, info) =>
      guard(() => {
        if (fileSeen) throw new UploadError('BAD_REQUEST', 'Send every parameter before the file.');
        const fileField = name === 'file' && handlers.onFileField !== undefined;
        const limit = fileField ? (handlers.limits.fileField ?? handlers.limits.fieldSize) : handlers.limits.fieldSize;
        if (info.nameTruncated || info.valueTruncated || Buffer.byteLength(value) > limit)
          throw fileField
            ? new UploadError('FILE_TOO_LARGE', `A file sent as text may be at most ${limit} bytes; send it as a file.`)
            : new UploadError('PARAM_INVALID', `The value of "${name.slice(0, 64)}" is too long.`);
        if (name === 'file' && !handlers.onFileField)
          throw new UploadError('PARAM_NOT_ALLOWED', 'Remote file URLs and data URIs are not supported here.');
        if (name === 'file') handlers.onFileField?.(value);
        else handlers.onField(name, value);
      }),
    );
    parser.on('file', (name, stream, info) => {
      if (failed || fileSeen || name !== 'file') {
        stream.resume();
        if (name !== 'file')
          fail(new UploadError('PARAM_NOT_ALLOWED', `The file must be sent as "file", not "${name.slice(0, 64)}".`));
        return;
      }
      fileSeen = true;
      fileStream = stream;
      stream.once('limit', () => fail(handlers.fileTooLarge()));
      // A form cut short errors the file stream, maybe while `onFile` still authorises and nothing reads it yet;
      // that failure reaches us as the parser's error or the request's close, and a reader's as `fileDone`.
      stream.on('error', () => {});
      const atLeast = Number.isSafeInteger(declared) ? Math.max(0, declared - consumed - closing) : null;
      fileDone = handlers.onFile(stream, { filename: info.filename ?? '', mimeType: info.mimeType ?? '', atLeast });
      fileDone.catch(fail);
    });
    parser.on('fieldsLimit', () => fail(new UploadError('BAD_REQUEST', 'Too many fields in the request.')));
    parser.on('filesLimit', () => fail(new UploadError('BAD_REQUEST', 'Only one file may be sent per request.')));
    parser.on('error', (cause) =>
      fail(new UploadError('BAD_REQUEST', 'Malformed multipart/form-data request.', { cause })),
    );
    parser.on('close', () => {
      if (failed) return;
      req.off('data', count);
      void (fileDone ?? Promise.resolve()).then(
        () => {
          if (!failed) resolve();
        },
        () => {},
      );
    });
    req.once('close', () => {
      if (!req.complete) fail(new UploadError('BAD_REQUEST', 'The client closed the request before its end.'));
    });
    req.pipe(parser);
  });
}

/** The client's address as the HTTP layer determined it (Express's `req.ip`, which honours `trust proxy`). */
export function clientAddress(req: IncomingMessage): string {
  return (req as IncomingMessage & { ip?: string }).ip ?? req.socket.remoteAddress ?? '';
}
