// Starts a real reference server on 127.0.0.1 for the browser tests and hands its coordinates to the page.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from 'signet-upload-server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    server: { url: string; cloudName: string; apiKey: string; apiSecret: string; token: string; dataDir: string };
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'signet-browser-'));
  const token = 'browser-test-token';
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    config: {
      users: { [token]: { id: 'tester', role: 'admin' } },
      // The element's tests send small files in small chunks; Cloudinary's 5 MB rule has its own server tests.
      limits: { minChunkSize: 1 },
      // A preset the advanced-options tests choose in the panel; its effects show in the stored assets.
      presets: { albums: { tags: ['from-preset'], context: { source: 'albums-preset' } } },
    },
    log: () => {},
  });
  project.provide('server', {
    url: server.url,
    cloudName: server.credentials.cloud_name,
    apiKey: server.credentials.api_key,
    apiSecret: server.credentials.api_secret,
    token,
    dataDir,
  });
  return async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  };
}
