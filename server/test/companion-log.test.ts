// Companion's own log lines reach the server's log without tokens or secrets, and without its debug chatter.
import { inspect } from 'node:util';
import { afterEach, describe, expect, test } from 'vitest';
import { COMPANION_LOG_NAME, maskSecrets, routeCompanionLogs } from '../src/companion/log.js';

describe('Companion log lines', () => {
  const lines: string[] = [];
  afterEach(() => {
    lines.length = 0;
  });

  test('a failed provider request, inspected whole, loses its bearer token, refresh token and secrets', () => {
    const error = Object.assign(new Error('Request failed'), {
      options: { headers: { authorization: 'Bearer sl.access-ABCDEF0123456789' } },
      response: { body: '{"access_token":"sl.other-999","refresh_token":"rt-777","token_type":"bearer"}' },
      url: 'https://x.test/dropbox/send-token?uppyAuthToken=eyJhbGciOi.x.y&code=abc123&state=s',
      form: 'client_secret=shh-secret&grant_type=refresh_token',
    });
    const masked = maskSecrets(inspect(error, { depth: 5 }));
    for (const secret of [
      'sl.access-ABCDEF0123456789',
      'sl.other-999',
      'rt-777',
      'eyJhbGciOi.x.y',
      'abc123',
      'shh-secret',
    ])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('Request failed');
    expect(masked).toContain('grant_type=refresh_token');
  });

  test('its lines go to the server log, masked; debug lines are dropped; other console.log calls are untouched', () => {
    routeCompanionLogs((line) => lines.push(line));
    console.log(`${COMPANION_LOG_NAME}: 2026-01-01T00:00:00.000Z [debug] noise`, 'details');
    console.log(`${COMPANION_LOG_NAME}: 2026-01-01T00:00:00.000Z [error] provider.dropbox.list.error`, {
      headers: { authorization: 'Bearer sl.leak-123456' },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('provider.dropbox.list.error');
    expect(lines[0]).not.toContain('sl.leak-123456');
  });
});
