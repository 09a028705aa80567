/**
 * What any page may learn about this server (`GET /api/config`): the account's public half, where to upload, which
 * remote sources work right now, and the size limit every upload meets. Never a secret. Pure: the route gathers the
 * inputs (the default preset lives in the catalogue) and sends the answer.
 */
import type { ServerConfig } from './config.js';
import type { Credentials } from './credentials.js';
import type { UploadPreset } from './presets/definition.js';

/** Where files may come from: the person's device always; the others only when this server can fetch from them. */
export type PublicSource = 'local' | 'url' | 'dropbox';

export interface PublicConfig {
  cloud_name: string;
  api_key: string;
  /** Base URL of the Upload API and of delivery URLs. */
  upload_url: string;
  /** The sources a widget may offer: `url` while Companion runs, `dropbox` only with a Dropbox app's keys. */
  sources: PublicSource[];
  limits: {
    /** The largest file any upload may send, in bytes: the server's limit, or the default preset's if lower. */
    max_file_size: number;
  };
}

export interface PublicConfigInput {
  config: Pick<ServerConfig, 'companion' | 'limits'>;
  credentials: Pick<Credentials, 'cloud_name' | 'api_key'>;
  publicUrl: string;
  /** The preset every upload starts from (`defaultPreset`), if one is configured. */
  defaultPreset: Pick<UploadPreset, 'max_file_size'> | null;
}

export function publicConfig({ config, credentials, publicUrl, defaultPreset }: PublicConfigInput): PublicConfig {
  const { companion } = config;
  const sources: PublicSource[] = ['local'];
  if (companion.enabled) sources.push('url');
  if (companion.enabled && companion.dropbox) sources.push('dropbox');
  const presetLimit = defaultPreset?.max_file_size ?? Number.POSITIVE_INFINITY;
  return {
    cloud_name: credentials.cloud_name,
    api_key: credentials.api_key,
    upload_url: publicUrl,
    sources,
    // An explicit `upload_preset` may lower it further; no upload can raise it.
    limits: { max_file_size: Math.min(config.limits.maxFileSize, presetLimit) },
  };
}
