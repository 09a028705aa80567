// What /api/config tells a page, as a pure function of the configuration (see public-config.ts).
import { describe, expect, test } from 'vitest';
import { DEFAULT_COMPANION_CONFIG } from '../src/companion/settings.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { type PublicConfigInput, publicConfig } from '../src/public-config.js';

const input = (
  companion: Partial<PublicConfigInput['config']['companion']>,
  maxFileSize = 1000,
  presetLimit?: number,
): PublicConfigInput => ({
  config: {
    companion: { ...DEFAULT_COMPANION_CONFIG, ...companion },
    limits: { ...DEFAULT_CONFIG.limits, maxFileSize },
  },
  credentials: { cloud_name: 'c', api_key: 'k' },
  publicUrl: 'https://media.example',
  defaultPreset: presetLimit === undefined ? null : { max_file_size: presetLimit },
});

describe('publicConfig', () => {
  test.each<[string, Partial<PublicConfigInput['config']['companion']>, string[]]>([
    ['Companion on, no Dropbox app: local and URL', {}, ['local', 'url']],
    ['Companion on with a Dropbox app: all three', { dropbox: { key: 'k', secret: 's' } }, ['local', 'url', 'dropbox']],
    [
      'Companion off: only local, even with Dropbox keys',
      { enabled: false, dropbox: { key: 'k', secret: 's' } },
      ['local'],
    ],
  ])('sources: %s', (_name, companion, sources) => {
    expect(publicConfig(input(companion)).sources).toEqual(sources);
  });

  test.each<[string, number, number | undefined, number]>([
    ['the server limit alone', 1000, undefined, 1000],
    ['a stricter default preset wins', 1000, 400, 400],
    ['a default preset cannot raise it', 1000, 5000, 1000],
  ])('limits.max_file_size: %s', (_name, server, preset, expected) => {
    expect(publicConfig(input({}, server, preset)).limits).toEqual({ max_file_size: expected });
  });

  test('carries the public half of the account and never the secrets', () => {
    const body = publicConfig(input({ dropbox: { key: 'k', secret: 'dropbox-secret' }, secret: 'companion-secret' }));
    expect(body).toMatchObject({ cloud_name: 'c', api_key: 'k', upload_url: 'https://media.example' });
    expect(JSON.stringify(body)).not.toMatch(/secret/);
  });
});
