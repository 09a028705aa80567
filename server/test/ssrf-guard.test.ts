// The address and URL rules of the remote-URL guard, table by table (no network: the resolver is a map).
import { describe, expect, test } from 'vitest';
import { blockedReason, checkRemoteUrl, type Resolver } from '../src/companion/ssrf-guard.js';

const strict = { allowLoopback: false };
const testMode = { allowLoopback: true };

describe('blockedReason', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped'],
    ['::ffff:7f00:1', 'IPv4-mapped'],
    ['::ffff:8.8.8.8', 'IPv4-mapped'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['64:ff9b::a00:1', 'IPv4-translated'],
    ['2002:7f00:1::', '6to4'],
    ['2001:db8::1', 'reserved'],
    ['fc00::1', 'unique local'],
    ['fd00:ec2::254', 'unique local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['ff02::1', 'multicast'],
    ['4000::1', 'reserved'],
  ])('refuses %s as %s', (address, reason) => {
    expect(blockedReason(address, strict)).toBe(reason);
  });

  test.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888'])(
    'allows the public address %s',
    (address) => {
      expect(blockedReason(address, strict)).toBeNull();
    },
  );

  test('test mode opens loopback only: not private ranges, not IPv4-mapped loopback', () => {
    expect(blockedReason('127.0.0.1', testMode)).toBeNull();
    expect(blockedReason('::1', testMode)).toBeNull();
    expect(blockedReason('::ffff:127.0.0.1', testMode)).toBe('IPv4-mapped');
    expect(blockedReason('10.0.0.1', testMode)).toBe('private');
    expect(blockedReason('169.254.169.254', testMode)).toBe('link-local');
  });

  test('anything that is not an IP literal is refused, never assumed public', () => {
    expect(blockedReason('example.com', strict)).toBe('not an IP address');
    expect(blockedReason('', strict)).toBe('not an IP address');
  });
});

describe('checkRemoteUrl', () => {
  const names: Record<string, string[]> = {
    'public.example.com': ['93.184.216.34'],
    'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
    'mapped.example.com': ['::ffff:127.0.0.1'],
  };
  const resolve: Resolver = async (host) => {
    const list = names[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);
  };
  const refusal = async (url: unknown) =>
    checkRemoteUrl(url, resolve, strict).then(
      () => null,
      (error: { code: string }) => error.code,
    );

  test.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f000001/',
    'http://0x7f.1/',
    'http://127.1/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://0/',
    'http://[::]/',
    'http://167772161/',
    'http://012.0.0.1/',
    'http://2852039166/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://0251.0376.0251.0376/',
    'http://1681915905/',
    'http://[fe80::1]/',
    'http://[fd00:ec2::254]/',
    'https://mixed.example.com/a.png',
    'https://metadata.example.com/',
    'https://mapped.example.com/',
    'file:///etc/passwd',
    'ftp://public.example.com/a',
    'gopher://public.example.com/',
    'http://user:pass@public.example.com/',
  ])('refuses %s with URL_FORBIDDEN', async (url) => {
    expect(await refusal(url)).toBe('URL_FORBIDDEN');
  });

  test.each([
    '',
    'not a url',
    'http://exa\tmple.com/',
    ' http://public.example.com/',
    'http://public.example.com/\n',
    'http://public.example.com\\@127.0.0.1/',
    42,
    null,
  ])('refuses the malformed %j with BAD_REQUEST', async (url) => {
    expect(await refusal(url)).toBe('BAD_REQUEST');
  });

  test('a name that does not resolve is URL_UNREACHABLE', async () => {
    expect(await refusal('https://nowhere.example.com/')).toBe('URL_UNREACHABLE');
  });

  test('a public URL passes, normalized as the fetcher will read it', async () => {
    const url = await checkRemoteUrl('HTTPS://Public.Example.com:443/a b/../c.png', resolve, strict).catch(() => null);
    expect(url?.href).toBe('https://public.example.com/c.png');
  });
});
