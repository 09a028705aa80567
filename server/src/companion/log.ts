/**
 * Companion logs with `console.log` and no hook, including whole HTTP errors whose request options carry a
 * provider's `Authorization: Bearer …` header. Its lines (recognised by the process name we give it) go to the
 * server's `log` instead, debug lines dropped and anything token-shaped masked. Process-wide, like Companion's
 * logger itself: the most recently started server receives them.
 */
import { format } from 'node:util';

export const COMPANION_LOG_NAME = 'signet-companion';

const INSTALLED = Symbol.for('signet-upload.companion-log');
let sink: ((line: string) => void) | null = null;

// Values of these keys (JSON, util.inspect, query strings, headers) and bearer credentials are never written out.
const SECRET_VALUE =
  /((?:access_token|refresh_token|id_token|accessToken|refreshToken|uppyAuthToken|uppy-auth-token|authorization|token|client_secret|secret|password)['"]?\s*[:=]\s*['"]?)([^'"&\s,}]+)/gi;
const OAUTH_CODE = /([?&]code=)[^&\s'"]+/g;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

export function maskSecrets(text: string): string {
  return text.replace(BEARER, '$1 ******').replace(SECRET_VALUE, '$1******').replace(OAUTH_CODE, '$1******');
}

/** Sends Companion's log lines to `log` from now on. */
export function routeCompanionLogs(log: (line: string) => void): void {
  sink = log;
  const target = console as Console & { [INSTALLED]?: true };
  if (target[INSTALLED]) return;
  target[INSTALLED] = true;
  const original = console.log.bind(console);
  console.log = (...args: unknown[]) => {
    const first = args[0];
    // Companion's lines start with `<process name>: <ISO time> [<level>]` (possibly inside colour codes).
    if (typeof first !== 'string' || !first.includes(`${COMPANION_LOG_NAME}: `)) return original(...args);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colour codes
    const line = format(...args).replace(/\u001b\[[0-9;]*m/g, '');
    if (/\[debug\]/.test(line.slice(0, 80))) return;
    (sink ?? original)(maskSecrets(line));
  };
}
