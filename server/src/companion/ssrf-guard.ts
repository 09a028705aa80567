/**
 * Which remote URLs the server may fetch for a person (Web URL imports through Companion): http(s) only, and only
 * towards public unicast addresses. A name counts by every address it resolves to; the check runs on the request
 * body (here) and again on every connection Companion opens (`connect-guard.ts`), so redirects and DNS rebinding
 * meet it too. Pure except for the resolver, which is injectable.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { UploadError } from 'signet-upload/protocol';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address a connection could use (like `dns.lookup(…, {all: true})`). */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({
    address,
    family: family === 6 ? 6 : 4,
  }));

export interface AddressPolicy {
  /** 127.0.0.0/8 and ::1 become fetchable: test mode with `companion.allowLocalUrls` only. */
  allowLoopback: boolean;
}

type Range = readonly [network: string, prefix: number, label: string];

// IANA special-purpose registries; everything here is refused, whatever the notation of the address.
const IPV4_RANGES: readonly Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'reserved'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'reserved'],
  ['203.0.113.0', 24, 'reserved'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

// IPv6 is allowed only inside global unicast 2000::/3, minus the special blocks in it. The rest is named for the
// message; IPv4-mapped and -compatible forms are refused outright rather than judged by the IPv4 they carry.
const IPV6_GLOBAL: Range = ['2000::', 3, 'global unicast'];
const IPV6_RANGES: readonly Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::ffff:0:0', 96, 'IPv4-mapped'],
  ['::', 96, 'IPv4-compatible'],
  ['64:ff9b::', 96, 'IPv4-translated'],
  ['64:ff9b:1::', 48, 'IPv4-translated'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'reserved'],
  ['2002::', 16, '6to4'],
  ['3fff::', 20, 'reserved'],
  ['fc00::', 7, 'unique local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

const ranges = (family: 'ipv4' | 'ipv6', list: readonly Range[]) =>
  list.map(([network, prefix, label]) => {
    const block = new BlockList();
    block.addSubnet(network, prefix, family);
    return { block, label };
  });
const V4 = ranges('ipv4', IPV4_RANGES);
const V6 = ranges('ipv6', IPV6_RANGES);
const [V6_GLOBAL] = ranges('ipv6', [IPV6_GLOBAL]);

/** Why `address` (an IP literal, no brackets) may not be fetched, or null when it may. */
export function blockedReason(address: string, policy: AddressPolicy): string | null {
  const literal = address.replace(/%.*$/, '');
  const version = isIP(literal);
  if (version === 4) {
    const label = V4.find(({ block }) => block.check(literal, 'ipv4'))?.label ?? null;
    return label === 'loopback' && policy.allowLoopback ? null : label;
  }
  if (version === 6) {
    // BlockList would also match ::ffff:a.b.c.d against IPv4 rules; the IPv6 table is checked first on purpose.
    const label = V6.find(({ block }) => block.check(literal, 'ipv6'))?.label;
    if (label === 'loopback' && policy.allowLoopback) return null;
    if (label) return label;
    return V6_GLOBAL?.block.check(literal, 'ipv6') ? null : 'reserved';
  }
  return 'not an IP address';
}

export function forbidden(what: string, reason: string): UploadError {
  return new UploadError('URL_FORBIDDEN', `${what} points to a ${reason} address, which cannot be imported from.`);
}

/** Refuses with URL_FORBIDDEN when `address` is not fetchable. */
export function assertFetchableAddress(address: string, policy: AddressPolicy, what = 'The URL'): void {
  const reason = blockedReason(address, policy);
  if (reason) throw forbidden(what, reason);
}

/** `[::1]` → `::1`; names are returned as they are. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

const MAX_URL_LENGTH = 8192;

/**
 * Parses a URL the way Companion's HTTP client will (WHATWG: `0x7f000001`, `2130706433`, `0177.0.0.1` and `127.1`
 * all become `127.0.0.1`), then refuses anything but http(s) towards public addresses. A name is resolved and refused
 * when any of its addresses is blocked. Returns the normalized URL, which is what should be fetched.
 */
export async function checkRemoteUrl(text: unknown, resolve: Resolver, policy: AddressPolicy): Promise<URL> {
  if (typeof text !== 'string' || text === '' || text.length > MAX_URL_LENGTH)
    throw new UploadError('BAD_REQUEST', 'Send the URL to import as "url".');
  // The WHATWG parser silently drops tabs and newlines and trims the ends, and reads `\` as `/`: parsers that
  // disagree are how SSRF filters get bypassed, so a strict parse refuses all of them (a space inside is encoded).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse them
  if (/[\u0000-\u001f\u007f-\u009f\\]|^\s|\s$/.test(text))
    throw new UploadError('BAD_REQUEST', 'The URL is not valid.');
  const url = URL.parse(text);
  if (!url) throw new UploadError('BAD_REQUEST', 'The URL is not valid.');
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UploadError('URL_FORBIDDEN', 'Only http and https URLs can be imported.');
  if (url.username || url.password) throw new UploadError('URL_FORBIDDEN', 'URLs with credentials cannot be imported.');
  const host = unbracket(url.hostname);
  if (isIP(host)) {
    assertFetchableAddress(host, policy);
    return url;
  }
  for (const { address } of await resolveOrFail(resolve, host)) assertFetchableAddress(address, policy);
  return url;
}

export async function resolveOrFail(resolve: Resolver, hostname: string): Promise<readonly ResolvedAddress[]> {
  let addresses: readonly ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (cause) {
    throw new UploadError('URL_UNREACHABLE', `The host ${hostname.slice(0, 253)} could not be found.`, { cause });
  }
  if (addresses.length === 0)
    throw new UploadError('URL_UNREACHABLE', `The host ${hostname.slice(0, 253)} has no address.`);
  return addresses;
}
