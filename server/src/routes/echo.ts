/**
 * `POST /demo/echo`: answers a form's fields as JSON (`{fields: {name: [value, …]}}`, every value of a repeated name
 * in order) and stores nothing. It is the action of the demo's support-ticket form, so a plain POST of a form with
 * <signet-uploader name="attachments"> shows what the page's own server would receive. URL-encoded and multipart
 * bodies; file parts (the widget sends none) are read past and left out. Bounded like every body this server reads.
 */
import busboy from 'busboy';
import express, { type Request, type Router } from 'express';
import { UploadError } from 'signet-upload/protocol';
import type { ServerContext } from '../context.js';
import { methodNotAllowed } from '../http/errors.js';
import { mediaType, sendJson } from '../http/respond.js';
import { newRouter } from '../http/route.js';

const MAX_FIELDS = 100;
// A form of a few dozen JSON upload results, percent-encoded, stays well under it.
const MAX_BYTES = 256 * 1024;

type Fields = Record<string, string[]>;

export function echoRoutes(_ctx: ServerContext): Router {
  const limit = MAX_BYTES;
  const router = newRouter();
  router
    .route('/demo/echo')
    .post(express.urlencoded({ extended: false, limit, parameterLimit: MAX_FIELDS }), async (req, res) => {
      const type = mediaType(req);
      let fields: Fields;
      if (type === 'application/x-www-form-urlencoded') fields = fromParsed(req.body);
      else if (type === 'multipart/form-data') fields = await readMultipart(req, limit);
      else
        throw new UploadError('BAD_REQUEST', 'Send a form: application/x-www-form-urlencoded or multipart/form-data.');
      sendJson(res, 200, { fields });
    })
    .all(methodNotAllowed(['POST', 'OPTIONS']));
  return router;
}

function fromParsed(body: unknown): Fields {
  const fields: Fields = Object.create(null);
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, string | string[]>))
    fields[name] = Array.isArray(value) ? value : [value];
  return fields;
}

function readMultipart(req: Request, limit: number): Promise<Fields> {
  return new Promise((resolve, reject) => {
    const fields: Fields = Object.create(null);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fields: MAX_FIELDS, fieldSize: limit } });
    } catch (cause) {
      reject(new UploadError('BAD_REQUEST', 'Malformed multipart body.', { cause }));
      return;
    }
    const tooLarge = () => reject(new UploadError('BAD_REQUEST', 'The form is too large.'));
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return tooLarge();
      const values = fields[name] ?? [];
      values.push(value);
      fields[name] = values;
    });
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('fieldsLimit', tooLarge);
    parser.on('error', (cause) => reject(new UploadError('BAD_REQUEST', 'Malformed multipart body.', { cause })));
    parser.on('close', () => resolve(fields));
    req.pipe(parser);
  });
}
