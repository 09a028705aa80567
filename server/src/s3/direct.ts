/**
 * Direct-to-S3 uploads: the browser sends the bytes straight to the bucket with URLs this server presigns one
 * request at a time, and the server registers the asset once the object is there.
 *
 *   start    the upload parameters are verified exactly as the Upload API verifies them (signature, presets,
 *            timestamp, replay), the declared size against the limit; the server picks the key and answers it with
 *            a signed upload token
 *   sign     one presigned URL per S3 request of @uppy/aws-s3 (`signRequest`), only for that key, short-lived, with
 *            the byte count of each PUT signed in (`Content-Length`), part numbers only up to the declared size
 *   parts    what the bucket already holds of the upload (its open multipart upload and that upload's parts, or the
 *            whole object), for a client that lost its connection or its page and continues where it stopped
 *   complete once: HeadObject (size against the limit; too large → object deleted, 413), every other multipart
 *            upload on the key aborted, the first bytes fetched for type detection, then the same finalize step as
 *            every other upload
 *
 * Swapping the bytes after the checks is closed off: a single PUT is presigned with `If-None-Match: *` (honoured by
 * radosgw and AWS), no create/complete/PUT is presigned once the object exists, and completion aborts every open
 * multipart upload of the key before it reads the object.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ResourceType, UploadApiResponse } from 'signet-upload/protocol';
import { isUploadResourceType, UploadError } from 'signet-upload/protocol';
import type { AuthUser, ServerConfig } from '../config.js';
import { nowSeconds, type ServerContext } from '../context.js';
import { authorizeUpload } from '../pipeline/authorize.js';
import { finalizeUpload } from '../pipeline/finalize.js';
import { ParamCollector, parseUploadRequest } from '../pipeline/request.js';
import { removeQuietly, tempPath } from '../pipeline/temp.js';
import { createS3Client, isNotFound, type S3Store } from '../stores/s3.js';
import { HEADER_BYTES } from '../validate/detect.js';
import { type DirectUpload, makeUploadToken, readUploadToken } from './token.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** S3's limits: parts of 5 MiB to 5 GiB (the last may be smaller), at most 10 000; a single PUT up to 5 GiB. */
const MIN_PART = 5 * MiB;
const MAX_PART = 5 * GiB;
const MAX_PARTS = 10_000;
const MAX_SINGLE_PUT = 5 * GiB;

/** `POST /api/s3/start` answers this. */
export interface StartAnswer {
  /** The object key to name in every later request (the server's, never the file's name). */
  key: string;
  token: string;
  /** Bytes per part for a multipart upload; every part but the last must be exactly this long. */
  part_size: number;
  /** How many parts the declared size makes. */
  parts: number;
  /** Unix seconds; complete before then. */
  expires_at: number;
}

/** What @uppy/aws-s3 6's `signRequest` receives, plus our token. */
export interface SignBody {
  token: string;
  method: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
}

/** `POST /api/s3/sign` answers @uppy/aws-s3's `PresignedResponse`. */
export interface SignAnswer {
  url: string;
  /** Headers signed into the URL that the browser must send as they are. */
  headers?: Record<string, string>;
}

/** `POST /api/s3/parts` answers what the bucket holds of a direct upload, so a client sends only what is missing. */
export interface PartsAnswer {
  key: string;
  /** The multipart upload asked about, else the key's most recent open one; null when none is open. */
  upload_id: string | null;
  part_size: number;
  /** How many parts the declared size makes. */
  parts_total: number;
  /** The parts S3 holds for that upload, by number; each is whole (S3 keeps no partial part). */
  parts: { part_number: number; size: number; etag: string }[];
  /** The object, when it is already whole in the bucket (only `/api/s3/complete` is left to do). */
  stored: { size: number } | null;
  /** Unix seconds; complete before then. */
  expires_at: number;
}

type S3Settings = ServerConfig['storage']['s3'];

export class DirectUploads {
  readonly #ctx: ServerContext;
  readonly #store: S3Store;
  readonly #settings: S3Settings;
  /** Signs with the endpoint browsers reach, which may not be the server's own. */
  readonly #presigner: S3Client;

  constructor(ctx: ServerContext, store: S3Store, settings: S3Settings) {
    this.#ctx = ctx;
    this.#store = store;
    this.#settings = settings;
    this.#presigner = settings.publicEndpoint
      ? createS3Client({ ...settings, endpoint: settings.publicEndpoint })
      : store.client;
  }

  async start(user: AuthUser, body: unknown): Promise<StartAnswer> {
    const input = readStartBody(body);
    const collector = new ParamCollector();
    for (const [name, value] of Object.entries(input.params)) {
      if (name === 'file') throw new UploadError('PARAM_NOT_ALLOWED', 'The file goes to the bucket, not in "file".');
      collector.add(name, value);
    }
    collector.assertKnown();
    const values = collector.values();
    // The size is known before any byte exists: an oversize one is refused before the signature is spent.
    const auth = await authorizeUpload(this.#ctx, parseUploadRequest(values), { declaredSize: input.size });

    const { limit } = auth;
    // Parts never below S3's minimum, and large enough that the largest allowed file fits in 10 000 of them.
    const floor = Math.max(MIN_PART, Math.ceil(limit / MAX_PARTS));
    const partSize = Math.min(MAX_PART, Math.max(floor, input.partSize ?? this.#settings.partSize));
    const upload: DirectUpload = {
      key: randomBytes(16).toString('hex'),
      user: user.id,
      size: input.size,
      name: input.name,
      type: input.type,
      resourceType: input.resourceType,
      params: values,
      signer: auth.signer,
      partSize,
      expiresAt: nowSeconds(this.#ctx) + this.#settings.uploadTtlSeconds,
    };
    return {
      key: upload.key,
      token: makeUploadToken(this.#ctx.credentials.api_secret, upload),
      part_size: partSize,
      parts: Math.max(1, Math.ceil(input.size / partSize)),
      expires_at: upload.expiresAt,
    };
  }

  async sign(user: AuthUser, body: unknown): Promise<SignAnswer> {
    const input = readSignBody(body);
    const abort = input.method === 'DELETE' && input.uploadId !== undefined;
    // Cleaning up needs no deadline: an expired upload may still abort its multipart upload.
    const upload = this.#upload(user, input.token, input.key, { allowExpired: abort });
    const Bucket = this.#store.bucket;
    const Key = this.#store.objectKey(upload.key);
    const { uploadId: UploadId, partNumber } = input;
    const expiresIn = Math.max(
      1,
      Math.min(this.#settings.presignExpirySeconds, upload.expiresAt - nowSeconds(this.#ctx)),
    );
    const signer = this.#presigner;
    const options = (signed: string[] = []) => ({ expiresIn, signableHeaders: new Set(signed) });
    const answer = async (url: Promise<string>, headers?: Record<string, string>): Promise<SignAnswer> => ({
      url: await url,
      ...(headers ? { headers } : {}),
    });

    if (input.method === 'PUT' && UploadId === undefined) {
      if (upload.size > MAX_SINGLE_PUT)
        throw new UploadError('PARAM_INVALID', 'Files over 5 GiB must go up as a multipart upload.');
      await this.#assertNotStored(upload);
      // Exactly the declared bytes, and never over an existing object (If-None-Match: *).
      return answer(
        getSignedUrl(
          signer,
          new PutObjectCommand({ Bucket, Key, ContentLength: upload.size, IfNoneMatch: '*' }),
          options(['content-length', 'if-none-match']),
        ),
        { 'If-None-Match': '*' },
      );
    }
    if (input.method === 'POST' && UploadId === undefined) {
      await this.#assertNotStored(upload);
      return answer(getSignedUrl(signer, new CreateMultipartUploadCommand({ Bucket, Key }), options()));
    }
    if (UploadId === undefined)
      throw new UploadError('PARAM_INVALID', `${input.method} without an uploadId is not part of an upload.`);
    if (input.method === 'PUT') {
      const parts = Math.max(1, Math.ceil(upload.size / upload.partSize));
      if (partNumber === undefined || !Number.isInteger(partNumber) || partNumber < 1)
        throw new UploadError('PARAM_INVALID', 'partNumber must be a positive integer.');
      if (partNumber > parts)
        throw new UploadError(
          'FILE_TOO_LARGE',
          `Part ${partNumber} is beyond the declared size (${upload.size} bytes in ${parts} parts of ${upload.partSize}).`,
        );
      const length = Math.min(upload.partSize, upload.size - (partNumber - 1) * upload.partSize);
      return answer(
        getSignedUrl(
          signer,
          new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: partNumber, ContentLength: length }),
          options(['content-length']),
        ),
      );
    }
    if (input.method === 'GET')
      return answer(getSignedUrl(signer, new ListPartsCommand({ Bucket, Key, UploadId }), options()));
    if (input.method === 'POST') {
      await this.#assertNotStored(upload);
      // AWS honours If-None-Match on completion; radosgw 16 ignores it, hence the check above and the abort of
      // every other upload of the key at `complete`.
      return answer(
        getSignedUrl(
          signer,
          new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, IfNoneMatch: '*' }),
          options(['if-none-match']),
        ),
        { 'If-None-Match': '*' },
      );
    }
    if (abort)
      return answer(getSignedUrl(signer, new AbortMultipartUploadCommand({ Bucket, Key, UploadId }), options()));
    throw new UploadError('PARAM_INVALID', `${input.method} is not a request of an upload.`);
  }

  async parts(user: AuthUser, body: unknown): Promise<PartsAnswer> {
    const input = readPartsBody(body);
    const upload = this.#upload(user, input.token, input.key, { allowExpired: false });
    const Bucket = this.#store.bucket;
    const Key = this.#store.objectKey(upload.key);
    const head = await this.#store.head(upload.key);
    let uploadId = input.uploadId ?? null;
    if (uploadId === null) {
      const page = await this.#store.client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
      const open = (page.Uploads ?? [])
        .filter((candidate) => candidate.Key === Key && candidate.UploadId)
        .sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0));
      uploadId = open[0]?.UploadId ?? null;
    }
    const parts: PartsAnswer['parts'] = [];
    for (let marker: string | undefined, more = uploadId !== null; more; ) {
      const page = await this.#store.client
        .send(new ListPartsCommand({ Bucket, Key, UploadId: uploadId as string, PartNumberMarker: marker }))
        .catch((error: unknown) => {
          // Another key's upload, an aborted or completed one: there is no such upload of this key.
          if ((error as { name?: string } | null)?.name === 'NoSuchUpload' || isNotFound(error))
            throw new UploadError('NOT_FOUND', 'No such multipart upload of this key.');
          throw error;
        });
      for (const part of page.Parts ?? [])
        parts.push({ part_number: part.PartNumber ?? 0, size: part.Size ?? 0, etag: part.ETag ?? '' });
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
      more = marker !== undefined;
    }
    return {
      key: upload.key,
      upload_id: uploadId,
      part_size: upload.partSize,
      parts_total: Math.max(1, Math.ceil(upload.size / upload.partSize)),
      parts: parts.sort((a, b) => a.part_number - b.part_number),
      stored: head ? { size: head.size } : null,
      expires_at: upload.expiresAt,
    };
  }

  async complete(user: AuthUser, body: unknown): Promise<UploadApiResponse> {
    const input = body as { token?: unknown; key?: unknown } | null;
    if (typeof input !== 'object' || input === null)
      throw new UploadError('BAD_REQUEST', 'Send {token, key} as one JSON object.');
    const upload = this.#upload(user, input.token, input.key, { allowExpired: false });
    const store = this.#store;
    if (!(await store.head(upload.key)))
      throw new UploadError('FILE_MISSING', 'Nothing was uploaded under this key (or the upload was not completed).');
    // Once per upload, whichever instance is asked: a second completion would make a second asset of one object.
    if (!(await this.#ctx.catalog.signatures.spend(`s3-upload:${upload.key}`, 1, upload.expiresAt)))
      throw new UploadError('SIGNATURE_REPLAYED', 'This upload was already completed.');

    const detectFile = tempPath(this.#ctx.paths.tmpDir);
    let kept = false;
    try {
      await this.#abortOpenUploads(upload);
      // Read after the aborts: no request presigned before can change the object any more.
      const head = await store.head(upload.key);
      if (!head) throw new UploadError('FILE_MISSING', 'The uploaded object vanished.');
      // The start's use continues: presets and grants as they are now (a grant revoked while the bytes went up still
      // refuses, and the object is deleted below, like any refusal).
      const authorized = await authorizeUpload(this.#ctx, parseUploadRequest(upload.params), {
        continues: upload.signer,
        declaredSize: head.size,
      });
      await this.#fetchHead(upload, head, detectFile);
      const response = await finalizeUpload(
        this.#ctx,
        { cloud: this.#ctx.credentials.cloud_name, resourceType: upload.resourceType },
        authorized,
        {
          tempFile: detectFile,
          bytes: head.size,
          md5: head.etag.replaceAll('"', ''),
          filename: upload.name,
          storedAs: upload.key,
        },
      );
      // `existing`: the public ID was taken and overwrite is off; the answer is the other asset, ours is unused.
      kept = response.existing !== true;
      return response;
    } finally {
      await removeQuietly(detectFile);
      if (!kept)
        await store.delete(upload.key).catch((error: unknown) => {
          this.#ctx.log(`signet-server: could not delete refused object ${upload.key}: ${String(error)}`);
        });
    }
  }

  /** Aborts multipart uploads older than the upload deadline (the browser went away); returns how many. */
  async sweep(): Promise<number> {
    const cutoff = (nowSeconds(this.#ctx) - this.#settings.uploadTtlSeconds) * 1000;
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      const page = await this.#store.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.#store.bucket,
          Prefix: this.#store.prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const open of page.Uploads ?? []) {
        if (!open.Key || !open.UploadId || (open.Initiated?.getTime() ?? 0) >= cutoff) continue;
        await this.#store.client.send(
          new AbortMultipartUploadCommand({ Bucket: this.#store.bucket, Key: open.Key, UploadId: open.UploadId }),
        );
        aborted++;
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
    return aborted;
  }

  /** The token's upload, if it is this caller's, names this key, and (unless allowed) is not past its deadline. */
  #upload(user: AuthUser, token: unknown, key: unknown, options: { allowExpired: boolean }): DirectUpload {
    const upload = readUploadToken(this.#ctx.credentials.api_secret, token);
    if (upload.user !== user.id || key !== upload.key)
      throw new UploadError('SIGNATURE_INVALID', 'This upload token is for another key or another user.');
    if (!options.allowExpired && upload.expiresAt < nowSeconds(this.#ctx))
      throw new UploadError('UPLOAD_EXPIRED', 'The upload took too long; start it again.');
    return upload;
  }

  async #assertNotStored(upload: DirectUpload): Promise<void> {
    if (await this.#store.head(upload.key))
      throw new UploadError('SIGNATURE_REPLAYED', 'This upload is already stored; start a new one.');
  }

  async #abortOpenUploads(upload: DirectUpload): Promise<void> {
    const Key = this.#store.objectKey(upload.key);
    const page = await this.#store.client.send(
      new ListMultipartUploadsCommand({ Bucket: this.#store.bucket, Prefix: Key }),
    );
    for (const open of page.Uploads ?? []) {
      if (open.Key !== Key || !open.UploadId) continue;
      await this.#store.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.#store.bucket, Key, UploadId: open.UploadId }),
      );
    }
  }

  /**
   * The object's first bytes into `path` (what the detectors read; the content checks fetch any further range they
   * need from the store), from exactly the version that was checked (If-Match).
   */
  async #fetchHead(upload: DirectUpload, head: { size: number; etag: string }, path: string): Promise<void> {
    if (head.size === 0) {
      await writeFile(path, new Uint8Array(0), { flag: 'wx', mode: 0o600 });
      return;
    }
    const answer = await this.#store.client.send(
      new GetObjectCommand({
        Bucket: this.#store.bucket,
        Key: this.#store.objectKey(upload.key),
        Range: `bytes=0-${Math.min(head.size, HEADER_BYTES) - 1}`,
        IfMatch: head.etag,
      }),
    );
    await pipeline(answer.Body as Readable, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  }
}

interface StartBody {
  params: Record<string, string>;
  size: number;
  name: string;
  type: string;
  resourceType: ResourceType | 'auto';
  partSize: number | undefined;
}

function readStartBody(body: unknown): StartBody {
  const bad = (message: string) => new UploadError('BAD_REQUEST', message);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('Send {params, file: {name, size, type}} as one JSON object.');
  const { params, file, resource_type: resourceType = 'auto', part_size: partSize } = body as Record<string, unknown>;
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw bad('params must be an object of upload parameters.');
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) strings[name] = value.join(',');
    else if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      strings[name] = String(value);
    else throw new UploadError('PARAM_INVALID', `${name.slice(0, 64)} must be a string, a number or a boolean.`);
  }
  const { name, size, type = '' } = (file ?? {}) as Record<string, unknown>;
  if (typeof name !== 'string' || name.length > 1024) throw bad('file.name must be the file name.');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw bad('file.size must be the file size in bytes.');
  if (typeof type !== 'string' || type.length > 255) throw bad('file.type must be a MIME type or "".');
  if (typeof resourceType !== 'string' || !isUploadResourceType(resourceType))
    throw new UploadError('PARAM_INVALID', 'resource_type must be auto, image, video or raw.');
  if (partSize !== undefined && (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize < 1))
    throw bad('part_size must be a number of bytes.');
  return { params: strings, size, name, type, resourceType: resourceType as StartBody['resourceType'], partSize };
}

function readSignBody(body: unknown): SignBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('BAD_REQUEST', 'Send {token, method, key, uploadId, partNumber} as one JSON object.');
  const { token, method, key, uploadId, partNumber } = body as Record<string, unknown>;
  if (typeof method !== 'string' || !['PUT', 'POST', 'GET', 'DELETE'].includes(method))
    throw new UploadError('PARAM_INVALID', 'method must be PUT, POST, GET or DELETE.');
  if (typeof key !== 'string') throw new UploadError('PARAM_INVALID', 'key must be the key /api/s3/start gave.');
  // S3's upload IDs are opaque but printable (radosgw: `2~…`, AWS: base64-ish); anything else is not one.
  if (uploadId !== undefined && (typeof uploadId !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(uploadId)))
    throw new UploadError('PARAM_INVALID', 'uploadId must be the id S3 gave.');
  if (partNumber !== undefined && typeof partNumber !== 'number')
    throw new UploadError('PARAM_INVALID', 'partNumber must be a number.');
  return {
    token: token as string,
    method,
    key,
    ...(uploadId === undefined ? {} : { uploadId }),
    ...(partNumber === undefined ? {} : { partNumber }),
  };
}

function readPartsBody(body: unknown): { token: unknown; key: unknown; uploadId?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new UploadError('BAD_REQUEST', 'Send {token, key, uploadId} as one JSON object.');
  const { token, key, uploadId } = body as Record<string, unknown>;
  if (uploadId !== undefined && (typeof uploadId !== 'string' || !/^[\x21-\x7e]{1,1024}$/.test(uploadId)))
    throw new UploadError('PARAM_INVALID', 'uploadId must be the id S3 gave.');
  return { token, key, ...(uploadId === undefined ? {} : { uploadId }) };
}
