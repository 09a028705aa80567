/**
 * The account a Signet server answers for: a cloud name, an API key and secret (Cloudinary's shapes), and the
 * demo token of the signing endpoint, the admin token of `/api/admin/…`. Generated once into
 * `<dataDir>/credentials.json` (mode 0600), then reused; a file from before the admin token gains one.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConfig } from './config.js';

/** Cloudinary's names, as in `credentials.json`. */
export interface Credentials {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  /** Bearer/cookie token of the demo admin; honoured only while `config.users` is empty. */
  demo_token: string;
  /** Bearer token of the admin API (`/api/admin/…`: presets, moderation). */
  admin_token: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

export async function loadCredentials(dataDir: string, explicit: ServerConfig['credentials']): Promise<Credentials> {
  const stored = await readOrCreate(join(dataDir, CREDENTIALS_FILE));
  return {
    cloud_name: explicit.cloud_name ?? stored.cloud_name,
    api_key: explicit.api_key ?? stored.api_key,
    api_secret: explicit.api_secret ?? stored.api_secret,
    demo_token: stored.demo_token,
    admin_token: stored.admin_token,
  };
}

export function generateCredentials(): Credentials {
  return {
    cloud_name: `signet-${randomBytes(3).toString('hex')}`,
    // Cloudinary API keys are 15 digits; the first is never 0 so the key survives a round trip through a number.
    api_key: String(randomInt(1, 10)) + Array.from({ length: 14 }, () => randomInt(0, 10)).join(''),
    api_secret: randomBytes(24).toString('base64url'),
    demo_token: randomBytes(24).toString('base64url'),
    admin_token: randomBytes(24).toString('base64url'),
  };
}

async function readOrCreate(file: string): Promise<Credentials> {
  try {
    return await withAdminToken(parse(await readFile(file, 'utf8'), file), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const fresh = generateCredentials();
  try {
    // Create-only, so two servers starting on one data dir cannot end up with different secrets.
    await writeFile(file, `${JSON.stringify(fresh, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parse(await readFile(file, 'utf8'), file);
  }
}

function parse(text: string, file: string): Credentials {
  const value = JSON.parse(text) as Partial<Credentials>;
  for (const key of ['cloud_name', 'api_key', 'api_secret', 'demo_token'] as const) {
    if (typeof value[key] !== 'string' || value[key] === '') throw new Error(`${file}: "${key}" is missing.`);
  }
  if (value.admin_token !== undefined && (typeof value.admin_token !== 'string' || value.admin_token.length < 16))
    throw new Error(`${file}: "admin_token" must be a string of at least 16 characters.`);
  return value as Credentials;
}

/** A credentials file written before the admin API existed gains an admin token (written then renamed). */
async function withAdminToken(credentials: Credentials, file: string): Promise<Credentials> {
  if (credentials.admin_token) return credentials;
  const upgraded = { ...credentials, admin_token: randomBytes(24).toString('base64url') };
  await writeFile(`${file}.tmp`, `${JSON.stringify(upgraded, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  return upgraded;
}
