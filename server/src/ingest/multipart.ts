/**
 * Reads a multipart/form-data request with busboy: text fields go to `onField`, the one file part to `onFile`
 * (which must consume the stream). Any failure stops reading, lets the rest of the body drain, waits for the file
 * handler to settle (so the caller can delete what it wrote) and rejects with an `UploadError`.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { UploadError } from 'signet-upload/protocol';
import { discardBody, mediaType } from '../http.js';

export interface FilePartInfo {
  /** The client's file name: display only, never a path. */
  filename: string;
  /** The part's declared Content-Type (busboy says text/plain when there is none): checked, never trusted. */
  mimeType: string;
}

export interface MultipartHandlers {
  limits: { fields: number; fieldSize: number; fileSize: number };
  /** The error when the file part goes over `limits.fileSize` (413 for uploads, 400 for a chunk longer than said). */
  fileTooLarge: () => UploadError;
  onField(name: string, value: string): void;
  onFile(stream: Readable, info: FilePartInfo): Promise<void>;
}

export function readMultipart(req: IncomingMessage, handlers: MultipartHandlers): Promise<void> {
  if (mediaType(req) !== 'multipart/form-data') {
    discardBody(req);
    return Promise.reject(new UploadError('BAD_REQUEST', 'The upload must be sent as multipart/form-data.'));
  }
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
          fieldSize: handlers.limits.fieldSize + 1,
          files: 1,
          fileSize: handlers.limits.fileSize + 1,
          fieldNameSize: 200,
        },
      });
    } catch (cause) {
      discardBody(req);
      reject(new UploadError('BAD_REQUEST', 'Malformed multipart/form-data request.', { cause }));
      return;
    }

    let failed = false;
    let fileDone: Promise<void> | undefined;
    let fileStream: Readable | undefined;

    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      discardBody(req);
      fileStream?.resume();
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
        if (info.nameTruncated || info.valueTruncated)
          throw new UploadError('PARAM_INVALID', `The value of "${name.slice(0, 64)}" is too long.`);
        if (name === 'file')
          throw new UploadError('PARAM_NOT_ALLOWED', 'Remote file URLs and data URIs are not supported here.');
        handlers.onField(name, value);
      }),
    );
    parser.on('file', (name, stream, info) => {
      if (failed || name !== 'file') {
        stream.resume();
        if (name !== 'file')
          fail(new UploadError('PARAM_NOT_ALLOWED', `The file must be sent as "file", not "${name.slice(0, 64)}".`));
        return;
      }
      fileStream = stream;
      stream.once('limit', () => fail(handlers.fileTooLarge()));
      fileDone = handlers.onFile(stream, { filename: info.filename ?? '', mimeType: info.mimeType ?? '' });
      fileDone.catch(fail);
    });
    parser.on('fieldsLimit', () => fail(new UploadError('BAD_REQUEST', 'Too many fields in the request.')));
    parser.on('filesLimit', () => fail(new UploadError('BAD_REQUEST', 'Only one file may be sent per request.')));
    parser.on('error', (cause) =>
      fail(new UploadError('BAD_REQUEST', 'Malformed multipart/form-data request.', { cause })),
    );
    parser.on('close', () => {
      if (failed) return;
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
