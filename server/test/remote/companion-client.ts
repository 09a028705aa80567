// What @uppy/url and Uppy's request client do against Companion, in Node: POST /url/meta, POST /url/get with the
// upload target and the signed fields as `metadata`, then the progress websocket until success or error.
import WebSocket from 'ws';
import type { SignetServer } from '../../src/index.js';

export interface JsonAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** The body Uppy 6's upload plugin sends to `/url/get` (or a provider's `/get/<id>`), as the lead's plugin builds it. */
export function getBody(
  server: SignetServer,
  remote: Record<string, unknown>,
  fields: Record<string, string>,
  resourceType = 'auto',
): Record<string, unknown> {
  return {
    ...remote,
    protocol: 'multipart',
    endpoint: `${server.url}/v1_1/${server.credentials.cloud_name}/${resourceType}/upload`,
    size: null,
    fieldname: 'file',
    metadata: fields,
    httpMethod: 'POST',
    useFormData: true,
    headers: {},
  };
}

export interface SocketOutcome {
  action: 'success' | 'error';
  payload: Record<string, unknown>;
  progress: number;
}

/** Opens Companion's progress socket for `token` and resolves with the final message. */
export function awaitUpload(server: SignetServer, token: string, timeoutMs = 30_000): Promise<SocketOutcome> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/companion/api/${token}`);
  let progress = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no answer on the progress socket'));
    }, timeoutMs);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { action: string; payload: Record<string, unknown> };
      if (message.action === 'progress') progress++;
      if (message.action === 'success' || message.action === 'error') {
        clearTimeout(timer);
        socket.close();
        resolve({ action: message.action, payload: message.payload, progress });
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
