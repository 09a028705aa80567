// A throwaway certificate authority and a leaf certificate for Dropbox's four host names, generated with openssl
// when a test starts (never committed): the fake Dropbox speaks real TLS and Companion verifies it against this CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DROPBOX_HOSTS } from './redirect-dropbox.mjs';

export interface TestCa {
  /** Folder holding ca.pem, leaf.pem, leaf.key (removed by `remove`). */
  dir: string;
  caPem: string;
  leafPem: string;
  leafKey: string;
  remove(): void;
}

export function createTestCa(hosts: readonly string[] = DROPBOX_HOSTS): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'signet-test-ca-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=Signet Test CA',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${hosts[0]}`,
    '-keyout',
    'leaf.key',
    '-out',
    'leaf.csr',
  );
  writeFileSync(
    join(dir, 'ext.cnf'),
    `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'leaf.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'leaf.pem',
  );
  // The CA's key has signed what it had to; nothing can use it again.
  rmSync(join(dir, 'ca.key'));
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    caPem: read('ca.pem'),
    leafPem: read('leaf.pem'),
    leafKey: read('leaf.key'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
