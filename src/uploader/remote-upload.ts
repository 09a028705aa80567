/**
 * Asks Companion to fetch a remote file (Web URL, Dropbox) and POST it to our upload endpoint, then follows its
 * progress socket. Uppy's own `uploadRemoteFile` retries every failure ten times with back-off up to 512 s, each
 * retry downloading the file again — so a file our server refuses (type, size, folder) would spin for minutes. Here a
 * refusal is final and reaches the person at once with its code; only the network drop of the socket is an error
 * the person may retry.
 */
import type { Body, Meta, Uppy } from '@uppy/core';
import type { RequestClient } from '@uppy/core/companion-client';
import { getSocketHost, type RemoteUppyFile } from '@uppy/core/utils';
import { isUploadErrorCode, UploadError, type UploadErrorCode } from '../errors.js';
import type { UploadApiResponse } from '../protocol/params.js';

export interface RemoteUploadOptions {
  signal: AbortSignal;
  onProgress(bytesUploaded: number, bytesTotal: number): void;
}

// Companion's `/url/get` and provider `get` routes answer failures by HTTP status only.
const CODE_FOR_STATUS: Record<number, UploadErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'PROVIDER_AUTH_FAILED',
  403: 'URL_FORBIDDEN',
  413: 'FILE_TOO_LARGE',
  424: 'URL_UNREACHABLE',
};

export async function uploadViaCompanion<M extends Meta, B extends Body>(
  uppy: Uppy<M, B>,
  file: RemoteUppyFile<M, B>,
  body: Record<string, unknown>,
  options: RemoteUploadOptions,
): Promise<UploadApiResponse> {
  const client = uppy.getRequestClientForFile<RequestClient<M, B>>(file);
  let token: string;
  try {
    ({ token } = await client.post<{ token: string }>(
      file.remote.url,
      { ...file.remote.body, ...body },
      { signal: options.signal },
    ));
  } catch (cause) {
    throw fromCompanionError(cause);
  }
  return followSocket(`${getSocketHost(file.remote.companionUrl)}/api/${token}`, options);
}

function followSocket(url: string, { signal, onProgress }: RemoteUploadOptions): Promise<UploadApiResponse> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.close();
      outcome();
    };
    const onAbort = () => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ action: 'cancel', payload: {} }));
      finish(() => reject(new UploadError('ABORTED', 'The upload was cancelled.')));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.addEventListener('message', (event) => {
      let message: { action?: string; payload?: Record<string, unknown> };
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const payload = message.payload ?? {};
      if (message.action === 'progress') {
        onProgress(Number(payload.bytesUploaded ?? 0), Number(payload.bytesTotal ?? 0));
      } else if (message.action === 'success') {
        const response = payload.response as { responseText?: string } | undefined;
        try {
          const json = JSON.parse(response?.responseText ?? '') as UploadApiResponse;
          finish(() => resolve(json));
        } catch (cause) {
          finish(() => reject(new UploadError('INTERNAL', 'The upload server answered without JSON.', { cause })));
        }
      } else if (message.action === 'error') {
        finish(() => reject(fromRemoteFailure(payload.error)));
      }
    });
    socket.addEventListener('close', () =>
      finish(() => reject(new UploadError('NETWORK_ERROR', 'The connection to the import service was lost.'))),
    );
  });
}

/** The reference server sends `{name: 'RemoteUploadError', message, code, status}` on the socket. */
function fromRemoteFailure(error: unknown): UploadError {
  const value = (error ?? {}) as { message?: unknown; code?: unknown; status?: unknown };
  const message = typeof value.message === 'string' ? value.message : 'The import failed.';
  const code = isUploadErrorCode(value.code) ? value.code : 'INTERNAL';
  return new UploadError(code, message, typeof value.status === 'number' ? { status: value.status } : {});
}

/** Companion's answer to a request (a refused link, a provider failure) as our error, by its code or HTTP status. */
export function fromCompanionError(cause: unknown): UploadError {
  if (cause instanceof UploadError) return cause;
  const value = (cause ?? {}) as { name?: unknown; message?: unknown; statusCode?: unknown; code?: unknown };
  if (value.name === 'AbortError') return new UploadError('ABORTED', 'The upload was cancelled.', { cause });
  if (value.name === 'AuthError')
    return new UploadError('PROVIDER_AUTH_FAILED', 'The sign-in to the provider is no longer valid.', { cause });
  if (isUploadErrorCode(value.code)) return new UploadError(value.code, String(value.message), { cause });
  const status = typeof value.statusCode === 'number' ? value.statusCode : 0;
  const code = CODE_FOR_STATUS[status] ?? (status ? 'INTERNAL' : 'NETWORK_ERROR');
  return new UploadError(code, typeof value.message === 'string' ? value.message : 'The import failed.', {
    cause,
    ...(status ? { status } : {}),
  });
}
