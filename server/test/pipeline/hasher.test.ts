// The worker's MD5 (Cloudinary's etag) gathers pieces into batches before they cross to it: whatever the pieces'
// sizes, and wherever a digest or a fork falls between them, the digest is the MD5 of exactly the bytes given.
import { createHash, randomBytes } from 'node:crypto';
import { expect, test } from 'vitest';
import { OffThreadMd5 } from '../../src/pipeline/hasher.js';

const md5 = (...parts: Uint8Array[]) => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
};

test('pieces of every size, across batch edges, give the MD5 of their bytes', async () => {
  const sizes = [0, 1, 65_536, 1_048_575, 1, 1_048_576, 3_000_001, 17, 2_097_152];
  const pieces = sizes.map((size) => randomBytes(size));
  const hash = OffThreadMd5.create();
  try {
    for (const piece of pieces) await hash.update(piece);
    expect(await hash.digest()).toBe(md5(...pieces));
  } finally {
    hash.drop();
  }
});

test('a digest between batches covers what came before it, and the hash goes on', async () => {
  const [a, b] = [randomBytes(300_000), randomBytes(1_500_000)];
  const hash = OffThreadMd5.create();
  try {
    await hash.update(a);
    expect(await hash.digest()).toBe(md5(a));
    await hash.update(b);
    expect(await hash.digest()).toBe(md5(a, b));
  } finally {
    hash.drop();
  }
});

test('a fork continues from every byte given before it, the original unchanged by the fork', async () => {
  const [a, b, c] = [randomBytes(700_000), randomBytes(900_000), randomBytes(50_000)];
  const hash = OffThreadMd5.create();
  await hash.update(a);
  const fork = hash.copy();
  try {
    await fork.update(b);
    await hash.update(c);
    expect(await fork.digest()).toBe(md5(a, b));
    expect(await hash.digest()).toBe(md5(a, c));
  } finally {
    hash.drop();
    fork.drop();
  }
});

test('a piece is copied as given: a view into a larger buffer, reused by its owner at once', async () => {
  const pool = randomBytes(4096);
  const view = pool.subarray(1000, 3000);
  const expected = md5(Buffer.from(view));
  const hash = OffThreadMd5.create();
  try {
    await hash.update(view);
    pool.fill(0);
    expect(await hash.digest()).toBe(expected);
  } finally {
    hash.drop();
  }
});
