// A browser's part of "Connect to Dropbox", in Node, as @uppy/core 6 and @uppy/dropbox 6 do it: open the OAuth token
// websocket, then walk the popup through Companion, grant and the (fake) Dropbox consent page with a cookie jar,
// following every redirect by hand. Requires `redirectDropbox` to be active in this process.
import { randomUUID } from 'node:crypto';
import { get } from 'node:https';
import WebSocket from 'ws';

export interface OAuthRun {
  /** Messages received on `/api2/auth-callback/token/<id>`, within `waitMs` after the popup finished. */
  messages: Record<string, unknown>[];
  /** The popup's last page: Companion's send-token page (200) or its "Authentication failed" page (400). */
  finalStatus: number;
  finalBody: string;
  /** Every URL the popup visited, in order. */
  visited: string[];
}

/** `companionUrl` e.g. `http://127.0.0.1:1234/companion`; `decision` is the button pressed on the consent page. */
export async function runDropboxOAuth(
  companionUrl: string,
  { decision = 'allow', waitMs = 1500, origin = new URL(companionUrl).origin } = {},
): Promise<OAuthRun> {
  const id = randomUUID();
  const messages: Record<string, unknown>[] = [];
  const socketUrl = `${companionUrl.replace(/^http/, 'ws')}/api2/auth-callback/token/${id}`;
  const socket = new WebSocket(socketUrl, { origin });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));

  const jar = new Map<string, string>();
  const visited: string[] = [];
  const state = Buffer.from(JSON.stringify({ origin })).toString('base64');
  let url = `${companionUrl}/dropbox/connect?${new URLSearchParams({ uppyVersions: '@uppy/dropbox=6.0.0', state, authCallbackToken: id })}`;
  let finalStatus = 0;
  let finalBody = '';
  for (let hop = 0; hop < 20; hop++) {
    visited.push(url);
    const target = new URL(url);
    if (target.hostname === 'www.dropbox.com') {
      // The person on Dropbox's consent page presses Allow (or Cancel).
      const page = await httpsGet(url);
      const link = new RegExp(`id="${decision}" href="([^"]+)"`).exec(page.body)?.[1];
      if (!link)
        throw new Error(`no ${decision} button on the consent page: ${page.status} ${page.body.slice(0, 200)}`);
      const decided = await httpsGet(new URL(link.replaceAll('&amp;', '&'), url).href);
      url = decided.location ?? '';
      continue;
    }
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', ...value] = pair.split('=');
      if (/Max-Age=0/i.test(line)) jar.delete(name.trim());
      else jar.set(name.trim(), value.join('='));
    }
    const text = await response.text();
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).href;
      continue;
    }
    finalStatus = response.status;
    finalBody = text;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  socket.close();
  return { messages, finalStatus, finalBody, visited };
}

function httpsGet(url: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body,
        }),
      );
    }).on('error', reject);
  });
}
