/**
 * `/companion/…`: Uppy Companion for the remote sources (Web URL, Dropbox), when `companion.enabled`. The settings
 * are checked here, before the server listens; the mounting itself lives in `../companion/mount.ts`.
 */
import { createHmac } from 'node:crypto';
import { type CompanionHost, createCompanionHost } from '../companion/mount.js';
import { resolveCompanionSettings } from '../companion/settings.js';
import type { Resolver } from '../companion/ssrf-guard.js';
import type { ServerContext } from '../context.js';

export interface CompanionOptions {
  env: Readonly<Record<string, string | undefined>>;
  testMode?: boolean | undefined;
  resolveHost?: Resolver | undefined;
}

export function companionHost(ctx: ServerContext, options: CompanionOptions): CompanionHost | null {
  if (!ctx.config.companion.enabled) return null;
  // Companion and Express read process.env themselves: production anywhere counts, and rules out test mode.
  const production = options.env.NODE_ENV === 'production' || process.env.NODE_ENV === 'production';
  const settings = resolveCompanionSettings(ctx.config.companion, {
    production,
    testMode: !production && (options.testMode === true || options.env.NODE_ENV === 'test'),
    // Stable per account without another file to keep: derived from the API secret (which never leaves the server).
    generatedSecret: createHmac('sha256', ctx.credentials.api_secret)
      .update('signet-upload companion secret')
      .digest('base64url'),
    resolve: options.resolveHost,
  });
  return createCompanionHost(ctx, settings);
}
