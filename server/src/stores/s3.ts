/**
 * Store in an S3-compatible bucket (AWS S3, Ceph radosgw, MinIO, R2 …) with `@aws-sdk/client-s3`, path-style by
 * default. Object key = `prefix + store key`.
 *
 * Publishing is create-only: a single PutObject carries `If-None-Match: *` (honoured by AWS and radosgw 16); above
 * `multipartThreshold` the temp file goes up as a multipart upload, parts in parallel, and the completion carries
 * `If-None-Match: *` too. radosgw 16 ignores that header on CompleteMultipartUpload, so a HeadObject right before the
 * completion refuses an existing key; a writer racing into the milliseconds between the two would win. Keys are 128
 * random bits the server made, so that race needs a second writer that knows an unpublished key.
 */
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { assertStoreKey, type ByteRange, type Store } from './store.js';

const MiB = 1024 * 1024;

export interface S3StoreOptions {
  /** e.g. `http://127.0.0.1:7480`; null or absent = AWS's regional endpoint. */
  endpoint?: string | null;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style URLs (`endpoint/bucket/key`): what radosgw and MinIO expect without wildcard DNS. */
  forcePathStyle: boolean;
  /** Prepended to every object key, e.g. `signet/`; default ''. */
  prefix?: string;
  /** Temp files larger than this are published as multipart uploads; default 64 MiB. */
  multipartThreshold?: number;
  /** Part size of those uploads; default 16 MiB (S3's minimum is 5 MiB, except for the last part). */
  partSize?: number;
  /** Parts of one publish sent at once; default 4. */
  partConcurrency?: number;
}

export interface ObjectHead {
  size: number;
  /** As S3 returns it, quotes included: `"<md5>"` for a single PUT, `"<md5 of part md5s>-<parts>"` for multipart. */
  etag: string;
}

export class S3Store implements Store {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly #multipartThreshold: number;
  readonly #partSize: number;
  readonly #partConcurrency: number;

  constructor(options: S3StoreOptions) {
    this.client = createS3Client(options);
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.#multipartThreshold = options.multipartThreshold ?? 64 * MiB;
    this.#partSize = Math.max(5 * MiB, options.partSize ?? 16 * MiB);
    this.#partConcurrency = Math.max(1, options.partConcurrency ?? 4);
  }

  async close(): Promise<void> {
    // The SDK's keep-alive sockets would otherwise hold the process open.
    this.client.destroy();
  }

  /** The bucket's key for a store key (throws on a key that is not a store key). */
  objectKey(key: string): string {
    assertStoreKey(key);
    return this.prefix + key;
  }

  async publish(tempFile: string, key: string): Promise<void> {
    const objectKey = this.objectKey(key);
    const { size } = await stat(tempFile);
    if (size > this.#multipartThreshold) await this.#publishMultipart(tempFile, objectKey, size);
    else await this.#publishSingle(tempFile, objectKey, size);
    await unlink(tempFile);
  }

  async open(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const answer = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    return answer.Body as Readable;
  }

  async size(key: string): Promise<number | null> {
    return (await this.head(key))?.size ?? null;
  }

  /** Size and ETag, or null when the key does not exist. */
  async head(key: string): Promise<ObjectHead | null> {
    try {
      const answer = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return { size: answer.ContentLength ?? 0, etag: answer.ETag ?? '' };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async *list(): AsyncIterable<string> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(this.prefix.length) ?? '';
        // Other tenants of the bucket (or of a shorter prefix) are not ours to list.
        if (/^[A-Za-z0-9_-]{8,128}$/.test(key)) yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async #publishSingle(tempFile: string, objectKey: string, size: number): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: objectKey,
          Body: createReadStream(tempFile),
          ContentLength: size,
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      if (isPreconditionFailed(error)) throw existsError(objectKey, error);
      throw error;
    }
  }

  async #publishMultipart(tempFile: string, objectKey: string, size: number): Promise<void> {
    if (await this.#exists(objectKey)) throw existsError(objectKey);
    const { UploadId } = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey }),
    );
    if (!UploadId) throw new Error('S3 started a multipart upload without an UploadId.');
    try {
      const partSize = Math.max(this.#partSize, Math.ceil(size / 10_000));
      const count = Math.ceil(size / partSize);
      const etags: string[] = new Array(count);
      let next = 0;
      const worker = async (): Promise<void> => {
        for (let index = next++; index < count; index = next++) {
          const start = index * partSize;
          const end = Math.min(size, start + partSize);
          const part = await this.client.send(
            new UploadPartCommand({
              Bucket: this.bucket,
              Key: objectKey,
              UploadId,
              PartNumber: index + 1,
              Body: createReadStream(tempFile, { start, end: end - 1 }),
              ContentLength: end - start,
            }),
          );
          etags[index] = part.ETag ?? '';
        }
      };
      await Promise.all(Array.from({ length: Math.min(count, this.#partConcurrency) }, worker));
      if (await this.#exists(objectKey)) throw existsError(objectKey);
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: objectKey,
          UploadId,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
        }),
      );
    } catch (error) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: objectKey, UploadId }))
        .catch(() => {});
      if (isPreconditionFailed(error)) throw existsError(objectKey, error);
      throw error;
    }
  }

  async #exists(objectKey: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }
}

export function createS3Client(options: Omit<S3StoreOptions, 'bucket'>): S3Client {
  return new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // The SDK's default CRC32 trailers (aws-chunked bodies) are not understood by every S3-compatible server
    // (radosgw 16 among them); checksums only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NotFound' || name === 'NoSuchKey' || statusOf(error) === 404;
}

function isPreconditionFailed(error: unknown): boolean {
  return statusOf(error) === 412 || (error as { name?: string } | null)?.name === 'PreconditionFailed';
}

function existsError(objectKey: string, cause?: unknown): Error {
  return new Error(`The object ${objectKey} already exists; publish is create-only.`, { cause });
}
