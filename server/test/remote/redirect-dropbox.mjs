// Test only. Companion's Dropbox adapter and grant call Dropbox's hard-coded hosts through Node's https.globalAgent;
// this swaps in an agent that connects those four hosts to the fake Dropbox on 127.0.0.1 instead. TLS stays real:
// SNI and certificate verification use the real host name, against the test CA only. Used in-process
// (`redirectDropbox`) or as a preload of a server process: `node --import ./server/test/remote/redirect-dropbox.mjs …`
// with SIGNET_FAKE_DROPBOX_PORT and SIGNET_FAKE_DROPBOX_CA (a path to the CA's PEM) set.
import { readFileSync } from 'node:fs';
import https from 'node:https';

export const DROPBOX_HOSTS = ['www.dropbox.com', 'api.dropbox.com', 'api.dropboxapi.com', 'content.dropboxapi.com'];

/** Routes Dropbox's hosts to 127.0.0.1:`port`, trusting `caPem` for them; returns the function that undoes it. */
export function redirectDropbox({ port, caPem }) {
  const previous = https.globalAgent;
  class DropboxToFake extends https.Agent {
    createConnection(options, callback) {
      const host = options.host ?? options.hostname;
      if (DROPBOX_HOSTS.includes(host)) {
        return super.createConnection({ ...options, host: '127.0.0.1', port, servername: host, ca: caPem }, callback);
      }
      return super.createConnection(options, callback);
    }
  }
  https.globalAgent = new DropboxToFake({ keepAlive: true });
  return () => {
    https.globalAgent.destroy();
    https.globalAgent = previous;
  };
}

if (process.env.SIGNET_FAKE_DROPBOX_PORT && process.env.SIGNET_FAKE_DROPBOX_CA) {
  redirectDropbox({
    port: Number(process.env.SIGNET_FAKE_DROPBOX_PORT),
    caPem: readFileSync(process.env.SIGNET_FAKE_DROPBOX_CA, 'utf8'),
  });
}
