/**
 * A preset's `strip_metadata`: the checked temp file loses its location, device and other personal metadata before
 * it is published (the same lossless rewrite the widget runs in the browser, content/metadata.ts), so uploads from
 * the SDKs or other clients get what the widget's get. The file is rewritten in place; its size and MD5 follow.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { stripMetadata } from 'signet-upload/protocol';

/** Larger files are stored as they are (the rewrite holds the whole file in memory). */
const MAX_STRIP_BYTES = 256 * 1024 * 1024;

export async function stripTempFile(
  tempFile: string,
  file: { bytes: number; md5: string },
): Promise<{ bytes: number; md5: string }> {
  if (file.bytes > MAX_STRIP_BYTES) return file;
  const result = stripMetadata(await readFile(tempFile));
  if (!result?.removed.length) return file;
  await writeFile(tempFile, result.bytes);
  return { bytes: result.bytes.length, md5: createHash('md5').update(result.bytes).digest('hex') };
}
