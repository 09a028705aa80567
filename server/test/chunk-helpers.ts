// Chunked uploads over raw HTTP for the resume tests: a chunk, a chunk held open half-sent (a connection the server
// still believes in), and the status query. Each takes a `ChunkTarget` (a server in this process or a child process).
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { expect } from 'vitest';
import type { Credentials } from '../src/credentials.js';

export interface ChunkTarget {
  url: string;
  credentials: Pick<Credentials, 'cloud_name' | 'api_key' | 'api_secret'>;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function uploadUrl(target: ChunkTarget, resourceType: string): string {
  return `${target.url}/v1_1/${target.credentials.cloud_name}/${resourceType}/upload`;
}

export async function sendChunk(
  target: ChunkTarget,
  fields: Record<string, string>,
  range: string,
  data: Uint8Array,
  uploadId: string,
  resourceType = 'raw',
): Promise<Answer> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(data)]), 'big.bin');
  const response = await fetch(uploadUrl(target, resourceType), {
    method: 'POST',
    body: form,
    headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': range },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** GET on the upload URL: what the session `uploadId` holds, asked with `fields` (the chunks' parameters). */
export async function askStatus(
  target: ChunkTarget,
  fields: Record<string, string>,
  uploadId: string,
  resourceType = 'raw',
): Promise<Answer> {
  const query = new URLSearchParams(fields).toString();
  const response = await fetch(`${uploadUrl(target, resourceType)}?${query}`, {
    headers: { 'X-Unique-Upload-Id': uploadId },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface HeldChunk {
  /** Sends the rest of the chunk and the closing boundary; resolves with the answer. */
  finish(): Promise<Answer>;
  /** Destroys the connection, as a client whose network went away would (if anything at all reached the server). */
  cut(): void;
  /** How the request ended: with an answer, or without one. */
  ended: Promise<Answer | 'cut'>;
}

/** A chunk whose body stops after `firstBytes` of `data`, the request left open. */
export function heldChunk(
  target: ChunkTarget,
  fields: Record<string, string>,
  range: string,
  data: Uint8Array,
  firstBytes: number,
  uploadId: string,
  resourceType = 'raw',
): HeldChunk {
  const boundary = `----signet${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `${Object.entries(fields)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = request(new URL(uploadUrl(target, resourceType)), {
    method: 'POST',
    headers: {
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(head.length + data.length + tail.length),
      'X-Unique-Upload-Id': uploadId,
      'Content-Range': range,
    },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const ended = answer.catch(() => 'cut' as const);
  req.write(head);
  req.write(data.subarray(0, firstBytes));
  return {
    finish() {
      req.end(Buffer.concat([data.subarray(firstBytes), tail]));
      return answer;
    },
    cut() {
      req.destroy();
    },
    ended,
  };
}

/** Polls `check` until it holds (the condition is what is asserted; the wait is only how long it may take). */
export async function until(check: () => Promise<boolean>, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

/** The answer is the error `code` with `status`. */
export function expectCode(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: (answer.body.error as { code?: string } | undefined)?.code }).toEqual({
    status,
    code,
  });
}
