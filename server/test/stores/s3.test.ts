import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { S3Store } from '../../src/stores/s3.js';
import { tempDir } from '../helpers.js';
import { createTestBucket, removeTestBucket, testS3Client, testServices } from '../services-setup.js';
import { describeStoreContract, type StoreFixture } from './store-contract.js';

const client = testS3Client();
let bucket = '';
beforeAll(async () => {
  bucket = await createTestBucket(client, 'signet-store');
});
afterAll(async () => {
  if (bucket) await removeTestBucket(client, bucket);
});

/** Each fixture gets its own key prefix in the shared bucket, so listings never see another test's objects. */
async function fixture(
  options: { multipartThreshold?: number; partSize?: number } = {},
): Promise<StoreFixture & { store: S3Store }> {
  const root = await tempDir('signet-s3-');
  const store = new S3Store({
    ...testServices().s3,
    bucket,
    forcePathStyle: true,
    prefix: `t${randomBytes(6).toString('hex')}/`,
    ...options,
  });
  return {
    store,
    async makeTempFile(data) {
      const path = join(root, `tmp-${randomBytes(8).toString('hex')}`);
      await writeFile(path, data);
      return path;
    },
  };
}

describeStoreContract('s3 (radosgw)', () => fixture());
// Every publish above 0 bytes goes up as a multipart upload here (5 MiB parts), so the same suite covers that path.
describeStoreContract('s3 multipart publish (radosgw)', () =>
  fixture({ multipartThreshold: 1, partSize: 5 * 1024 * 1024 }),
);

describe('S3Store', () => {
  test('publishes a file of several parts and leaves no multipart upload open', async () => {
    const { store, makeTempFile } = await fixture({ multipartThreshold: 1, partSize: 5 * 1024 * 1024 });
    const data = randomBytes(11 * 1024 * 1024 + 17);
    await store.publish(await makeTempFile(data), 'multipartkey1');
    expect(await store.size('multipartkey1')).toBe(data.length);
    const head = await store.head('multipartkey1');
    expect(head?.etag).toMatch(/-3"$/);
    const chunks: Buffer[] = [];
    for await (const chunk of (await store.open('multipartkey1', {
      start: 5 * 1024 * 1024 - 1,
      end: 5 * 1024 * 1024 + 9,
    })) as AsyncIterable<Buffer>)
      chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(data.subarray(5 * 1024 * 1024 - 1, 5 * 1024 * 1024 + 10));
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: store.prefix }));
    expect(open.Uploads ?? []).toEqual([]);
  });

  test('a refused multipart publish aborts its upload', async () => {
    const { store, makeTempFile } = await fixture({ multipartThreshold: 1 });
    await store.publish(await makeTempFile(randomBytes(100)), 'takenkey01');
    await expect(store.publish(await makeTempFile(randomBytes(6 * 1024 * 1024)), 'takenkey01')).rejects.toThrow(
      /already exists/,
    );
    const open = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: store.prefix }));
    expect(open.Uploads ?? []).toEqual([]);
    expect(await store.size('takenkey01')).toBe(100);
  });

  test('lists only keys under its own prefix', async () => {
    const a = await fixture();
    const b = await fixture();
    await a.store.publish(await a.makeTempFile(randomBytes(4)), 'onlyinaaa');
    const listed: string[] = [];
    for await (const key of b.store.list()) listed.push(key);
    expect(listed).toEqual([]);
  });
});
