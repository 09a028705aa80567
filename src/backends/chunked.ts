/**
 * One file sent in Cloudinary's chunked protocol, in its order: the first chunk alone, the middle ones
 * `PARALLEL_CHUNKS` at a time (the server takes them in any order), the last alone once every other is in. A cut
 * connection, a server restart or an offline spell does not start the file over: after a jittered backoff (retry.ts)
 * the sender asks the server what it holds (`GET` with the session id; real Cloudinary has no such query, then the
 * chunks this side saw acknowledged count) and sends only the rest, under the same session id.
 */
import { UploadError } from '../errors.js';
import type { ByteSpan, ChunkStatus, UploadApiResponse } from '../protocol/params.js';
import type { UploadTask } from './backend.js';
import {
  DEFAULT_RETRY,
  isTransient,
  MAX_RATE_WAIT_S,
  type RetryPolicy,
  roundSignal,
  sleep,
  waitToRetry,
} from './retry.js';
import { postForm, type XhrResult } from './xhr.js';

/** Middle chunks in flight at once: enough to keep the line busy between one chunk's end and the next's start. */
const PARALLEL_CHUNKS = 3;

/** What the sender needs from its backend: where to send, the signed fields, and how answers read. */
export interface ChunkChannel {
  endpoint: string;
  /** The signed form fields in force (they change when an aged signature is renewed). */
  fields(): Record<string, string>;
  /** Signs again (SIGNATURE_EXPIRED mid-file): the server lets the same signer continue its session. */
  renew(): Promise<void>;
  /** The server's answer as an upload response, or the UploadError it stands for. */
  asResponse(result: XhrResult): UploadApiResponse;
  asError(result: XhrResult): UploadError;
}

export interface ChunkPlan {
  chunkSize: number;
  /** Continue this session (a resumed upload after a reload) instead of opening a new one. */
  uploadId?: string;
  retry?: RetryPolicy;
  /** Told the session id once chosen, so a page can remember it. */
  onSession?(uploadId: string): void;
  report(loaded: number): void;
}

export async function sendChunked(
  task: UploadTask,
  channel: ChunkChannel,
  plan: ChunkPlan,
): Promise<UploadApiResponse> {
  const size = task.file.size;
  const { chunkSize } = plan;
  const count = Math.max(1, Math.ceil(size / chunkSize));
  const policy = plan.retry ?? DEFAULT_RETRY;
  let uploadId = plan.uploadId ?? randomId();
  plan.onSession?.(uploadId);
  /** Chunks the server holds, as far as this side knows. */
  const done = new Array<boolean>(count).fill(false);
  const loaded = new Array<number>(count).fill(0);
  const range = (index: number) => {
    const start = index * chunkSize;
    return { start, end: Math.min(size, start + chunkSize) - 1 };
  };
  const report = () => plan.report(loaded.reduce((sum, bytes) => sum + bytes, 0));

  const sendChunk = async (index: number, signal: AbortSignal): Promise<UploadApiResponse | null> => {
    const { start, end } = range(index);
    const chunk = task.file.slice(start, end + 1);
    const form = new FormData();
    for (const [name, value] of Object.entries(channel.fields())) form.append(name, value);
    form.append('file', chunk, task.name);
    loaded[index] = 0;
    const result = await postForm(channel.endpoint, form, {
      signal,
      headers: { 'X-Unique-Upload-Id': uploadId, 'Content-Range': `bytes ${start}-${end}/${size}` },
      onProgress: (sent, total) => {
        loaded[index] = total > 0 ? Math.min(chunk.size, (sent / total) * chunk.size) : 0;
        report();
      },
    });
    if (result.status < 200 || result.status >= 300) throw channel.asError(result);
    task.onWait?.(null);
    done[index] = true;
    loaded[index] = chunk.size;
    report();
    // Every chunk but the last is acknowledged with `{done: false}`; the last brings the stored file's answer.
    return index === count - 1 || count === 1 ? channel.asResponse(result) : null;
  };

  /** One pass over the chunks still missing; throws the first failure once the chunks in flight have settled. */
  const pass = async (signal: AbortSignal): Promise<UploadApiResponse> => {
    if (!done[0]) {
      const answer = await sendChunk(0, signal);
      if (answer) return answer;
    }
    const middle = [...Array(Math.max(0, count - 2)).keys()].map((i) => i + 1).filter((i) => !done[i]);
    let failure: unknown;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (failure === undefined && next < middle.length) {
        const index = middle[next++] as number;
        try {
          await sendChunk(index, signal);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, middle.length) }, worker));
    if (failure !== undefined) throw failure;
    return (await sendChunk(count - 1, signal)) as UploadApiResponse;
  };

  /** Marks what the server holds; answers when the file is already stored (its last answer was lost). */
  const reconcile = async (signal: AbortSignal): Promise<UploadApiResponse | null> => {
    const status = await queryStatus(channel, uploadId, signal);
    if (status === 'unknown') {
      // Real Cloudinary, or a session the server no longer has: what this side saw acknowledged stands, unless the
      // server said it never heard of the session, then it all goes again under a new id.
      return null;
    }
    if (status === 'gone') {
      if (done.some(Boolean)) {
        uploadId = randomId();
        plan.onSession?.(uploadId);
      }
      done.fill(false);
      loaded.fill(0);
      report();
      return null;
    }
    if (status.done && status.response) return status.response;
    for (let index = 0; index < count; index++) {
      const held = covered(status.received, range(index));
      done[index] = held;
      loaded[index] = held ? range(index).end - range(index).start + 1 : 0;
    }
    report();
    return null;
  };

  // A session continued after a page reload starts by asking what the server already holds.
  for (let attempt = 0, renewed = false, waited = false, ask = plan.uploadId !== undefined; ; ) {
    const round = roundSignal(task.signal);
    try {
      if (attempt > 0 || ask) {
        ask = false;
        const stored = await reconcile(round.signal);
        task.onWait?.(null); // the server answered: the network is back
        if (stored) return stored;
      }
      return await pass(round.signal);
    } catch (thrown) {
      const error = round.signal.aborted && !task.signal.aborted ? offline() : thrown;
      if (task.signal.aborted) throw thrown;
      if (error instanceof UploadError && error.code === 'SIGNATURE_EXPIRED' && !renewed) {
        renewed = true;
        await channel.renew();
        attempt = Math.max(attempt, 1); // ask what arrived before sending more
        continue;
      }
      if (error instanceof UploadError && error.code === 'RATE_LIMITED' && !waited) {
        waited = true;
        await sleep(Math.min(error.retryAfter ?? 2, MAX_RATE_WAIT_S) * 1000, task.signal);
        attempt = Math.max(attempt, 1);
        continue;
      }
      if (error instanceof UploadError && error.code === 'CHUNK_INVALID' && attempt === 0) {
        attempt = 1; // "ask for its status": the server saw this chunk race another
        continue;
      }
      if (!isTransient(error) || attempt >= policy.attempts) throw error;
      attempt++;
      const retryAfter = error instanceof UploadError ? error.retryAfter : undefined;
      await waitToRetry(attempt, policy, task.signal, retryAfter, task.onWait);
    } finally {
      round.release();
    }
  }
}

/** The server's view of a session: its status, `gone` (404: it never was, or expired), or `unknown` (no query). */
async function queryStatus(
  channel: ChunkChannel,
  uploadId: string,
  signal: AbortSignal,
): Promise<ChunkStatus | 'gone' | 'unknown'> {
  const url = new URL(channel.endpoint);
  for (const [name, value] of Object.entries(channel.fields())) url.searchParams.set(name, value);
  let response: Response;
  try {
    response = await fetch(url, { headers: { 'X-Unique-Upload-Id': uploadId, accept: 'application/json' }, signal });
  } catch (cause) {
    throw new UploadError('NETWORK_ERROR', `No response from ${url.origin}.`, { cause });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && typeof (body as ChunkStatus | null)?.done === 'boolean') return body as ChunkStatus;
  if (response.status === 404 && (body as { error?: { code?: string } } | null)?.error?.code === 'NOT_FOUND')
    return 'gone';
  if (response.status >= 500 || response.status === 408 || response.status === 429)
    throw channel.asError({ status: response.status, body });
  if (response.status === 401) throw channel.asError({ status: response.status, body });
  return 'unknown';
}

/** Whether `spans` hold every byte of `range`. */
function covered(spans: readonly ByteSpan[], range: ByteSpan): boolean {
  return spans.some((span) => span.start <= range.start && span.end >= range.end);
}

const offline = () => new UploadError('NETWORK_ERROR', 'The browser went offline.');

function randomId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
