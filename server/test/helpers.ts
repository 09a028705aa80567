// Shared test helpers for the reference server: a server per test in its own temp data dir, signed requests, and
// a look at everything the server keeps (store objects, temp files, chunk sessions, catalogue rows).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UploadParams } from 'signet-upload/protocol';
import { expect, onTestFinished } from 'vitest';
import type { AssetRecord } from '../src/catalog/catalog.js';
import { type SignetServer, type StartOptions, startServer } from '../src/index.js';
import { sign } from '../src/signing.js';

export interface TestServer extends SignetServer {
  logs: string[];
}

export async function tempDir(prefix = 'signet-server-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A server on 127.0.0.1, any free port, its own data dir; closed and removed when the test ends. A test fails if the
 * server logged an internal error (a hidden 500) unless it says it expects one. Chunks may be as small as a test
 * likes (`limits.minChunkSize: 1`) unless the test sets Cloudinary's 5 MB rule itself.
 */
export async function startTestServer(options: StartOptions = {}, expect500 = false): Promise<TestServer> {
  const logs: string[] = [];
  const server = await startServer({
    port: 0,
    dataDir: options.dataDir ?? (await tempDir()),
    env: {},
    log: (line) => logs.push(line),
    ...options,
    config: { ...options.config, limits: { minChunkSize: 1, ...options.config?.limits } },
  });
  onTestFinished(async () => {
    await server.close();
    if (!expect500) expect(logs.filter((line) => line.includes('internal error'))).toEqual([]);
  });
  return Object.assign(server, { logs });
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The parameters plus a fresh timestamp (unless given), the API key and a SHA-1 v2 signature. */
export function signed(server: SignetServer, params: UploadParams): Record<string, string> {
  const all: UploadParams = { timestamp: nowSeconds(), ...params };
  const signature = sign(all, server.credentials.api_secret);
  return {
    ...Object.fromEntries(Object.entries(all).map(([key, value]) => [key, String(value)])),
    api_key: server.credentials.api_key,
    signature,
  };
}

export interface FilePart {
  data: Uint8Array;
  name: string;
}

export interface UploadOptions {
  resourceType?: string;
  cloud?: string;
  query?: string;
  headers?: Record<string, string>;
  /** Extra fields appended as is, after the ones from `fields` (duplicates on purpose). */
  extra?: [string, string][];
}

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** POSTs a multipart form to the Upload API of `server`, the file last (like the SDKs). */
export async function postUpload(
  server: SignetServer,
  fields: Record<string, string>,
  file?: FilePart,
  options: UploadOptions = {},
): Promise<JsonResponse> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [name, value] of options.extra ?? []) form.append(name, value);
  if (file) form.append('file', new Blob([new Uint8Array(file.data)]), file.name);
  const cloud = options.cloud ?? server.credentials.cloud_name;
  const url = `${server.url}/v1_1/${cloud}/${options.resourceType ?? 'auto'}/upload${options.query ? `?${options.query}` : ''}`;
  const response = await fetch(url, { method: 'POST', body: form, headers: options.headers ?? {} });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Signs `params` and uploads `file` with them. */
export function signedUpload(
  server: SignetServer,
  params: UploadParams,
  file: FilePart,
  options: UploadOptions = {},
): Promise<JsonResponse> {
  return postUpload(server, signed(server, params), file, options);
}

export interface DataState {
  storeKeys: string[];
  /** Files under `<dataDir>/tmp`, chunk sessions included, relative to it. */
  tmpFiles: string[];
  rows: AssetRecord[];
}

export async function dataState(server: SignetServer): Promise<DataState> {
  const storeKeys: string[] = [];
  for await (const key of server.store.list()) storeKeys.push(key);
  const tmp = join(server.dataDir, 'tmp');
  const entries = await readdir(tmp, { recursive: true, withFileTypes: true });
  // A finished or expired chunk session leaves a marker (its answer for a retried last chunk, or a tombstone): no
  // file bytes, so not part of what an upload may leave behind.
  const tmpFiles = entries
    .filter((entry) => entry.isFile() && !/\.(done\.json|expired)$/.test(entry.name))
    .map((entry) => relative(tmp, join(entry.parentPath, entry.name)));
  const { records } = await server.catalog.assets.list({ cloud: server.credentials.cloud_name, limit: 1000 });
  return { storeKeys: storeKeys.sort(), tmpFiles: tmpFiles.sort(), rows: records };
}

/** Nothing in the store, no temp file or chunk data, no catalogue row. */
export async function expectNothingStored(server: SignetServer): Promise<void> {
  expect(await dataState(server)).toEqual({ storeKeys: [], tmpFiles: [], rows: [] });
}

export function expectError(response: JsonResponse, status: number, code: string): void {
  expect({ status: response.status, code: (response.body.error as { code?: string } | undefined)?.code }).toEqual({
    status,
    code,
  });
}

export interface SdkResult {
  result?: Record<string, unknown>;
  /** `upload_pair`: both answers. */
  results?: Record<string, unknown>[];
  error?: { message?: string; http_code?: number };
  /** The SDK's own check of the response signature. */
  verified?: boolean;
}

const SDK_CLIENT = fileURLToPath(new URL('./fixtures/sdk-client.mjs', import.meta.url));

/**
 * Runs the official Cloudinary SDK against `server` in a child process: the SDK picks http or https once, when it
 * is first loaded, from `upload_prefix` in CLOUDINARY_URL, so it must start with that variable set.
 */
export function runSdk(
  server: SignetServer,
  op: 'upload' | 'upload_large' | 'upload_pair' | 'call',
  path: string,
  options: Record<string, unknown> | unknown[],
  account: Partial<SignetServer['credentials']> = {},
): Promise<SdkResult> {
  const { cloud_name, api_key, api_secret } = { ...server.credentials, ...account };
  const env = {
    PATH: process.env.PATH,
    CLOUDINARY_URL: `cloudinary://${api_key}:${api_secret}@${cloud_name}?upload_prefix=${server.url}`,
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SDK_CLIENT, op, path, JSON.stringify(options)], { env }, (error, stdout, stderr) => {
      if (error) reject(new Error(`SDK client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as SdkResult);
    });
  });
}

/**
 * Calls one method of the official SDK (`uploader.destroy`, `api.resources` …) with `args` against `server`, in a
 * child process like `runSdk`; `account` overrides the credentials it signs or authenticates with.
 */
export function sdkCall(
  server: SignetServer,
  method: `${'uploader' | 'api'}.${string}`,
  args: unknown[],
  account: Partial<SignetServer['credentials']> = {},
): Promise<SdkResult> {
  return runSdk(server, 'call', method, args, account);
}
