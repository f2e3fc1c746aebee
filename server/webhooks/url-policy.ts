// Where webhooks may point (SSRF): https only unless development allows http, no credentials in the URL, and no
// address a registry node should never call on a stranger's behalf — loopback, RFC 1918 private, link-local (the
// 169.254.169.254 cloud metadata service among them), CGNAT, unique-local IPv6, IPv4-mapped IPv6, multicast,
// unspecified, reserved and documentation ranges. A host name is resolved and refused when *any* of its addresses
// is forbidden; delivery resolves again and connects to the address it just checked (webhook-sender.ts), so a DNS
// answer that changes after registration (rebinding) cannot steer a delivery inside. Operators permit internal
// targets explicitly with an allowlist of host names, addresses or CIDR ranges.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to all its addresses (family 4 or 6). */
export type LookupFn = (host: string) => Promise<readonly { address: string; family: number }[]>;

export interface UrlPolicyOptions {
  /** Allow plain http:// targets (development and tests). Default false: https only. */
  readonly allowHttp?: boolean;
  /** Host names (exact, case-insensitive), IP addresses or CIDR ranges that may be targeted although internal. */
  readonly allowHosts?: readonly string[];
  /** Default: the system resolver (dns.lookup, all addresses). */
  readonly lookup?: LookupFn;
}

/** A URL that passed, with the addresses it was checked against (delivery connects to the first). */
export type UrlVerdict =
  | { readonly ok: true; readonly address: string; readonly family: 4 | 6 }
  | { readonly ok: false; readonly reason: string };

type Family = 'ipv4' | 'ipv6';

/** Forbidden ranges, each with the name a refusal gives. */
const FORBIDDEN: readonly (readonly [string, number, Family, string])[] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified ("this network", RFC 1122)'],
  ['10.0.0.0', 8, 'ipv4', 'private (RFC 1918)'],
  ['100.64.0.0', 10, 'ipv4', 'carrier-grade NAT (RFC 6598)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (RFC 3927; includes the 169.254.169.254 metadata service)'],
  ['172.16.0.0', 12, 'ipv4', 'private (RFC 1918)'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['192.168.0.0', 16, 'ipv4', 'private (RFC 1918)'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking (RFC 2544)'],
  ['198.51.100.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['203.0.113.0', 24, 'ipv4', 'documentation (RFC 5737)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved (includes broadcast)'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 96, 'ipv6', 'IPv4-compatible IPv6 (deprecated, RFC 4291 §2.5.5.1)'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped IPv6 (RFC 4291 §2.5.5.2)'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64 (RFC 6052)'],
  ['100::', 64, 'ipv6', 'discard-only (RFC 6666)'],
  ['2001:db8::', 32, 'ipv6', 'documentation (RFC 3849)'],
  ['fc00::', 7, 'ipv6', 'unique-local (RFC 4193)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local (deprecated)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const familyOf = (address: string): Family => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** The name of the forbidden range `address` (an IP literal) falls in, or undefined when it is a public address. */
export function forbiddenRange(address: string): string | undefined {
  const family = familyOf(address);
  for (const [net, prefix, f, name] of FORBIDDEN) {
    if (f !== family) continue;
    const one = new BlockList();
    one.addSubnet(net, prefix, f);
    if (one.check(address, family)) return name;
  }
  return undefined;
}

const systemLookup: LookupFn = async (host) => dnsLookup(host, { all: true, verbatim: true });

/** Strips the brackets of an IPv6 URL host. */
const bare = (hostname: string): string => (hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname);

export class UrlPolicy {
  readonly #allowHttp: boolean;
  readonly #allowNames: ReadonlySet<string>;
  readonly #allowNets = new BlockList();
  readonly #lookup: LookupFn;

  constructor(options: UrlPolicyOptions = {}) {
    this.#allowHttp = options.allowHttp ?? false;
    this.#lookup = options.lookup ?? systemLookup;
    const names = new Set<string>();
    for (const entry of options.allowHosts ?? []) {
      const [net, prefix, ...rest] = entry.split('/');
      if (net !== undefined && isIP(net) !== 0) {
        const family = familyOf(net);
        // Digits only: Number('') is 0, and '10.0.0.0/' must not allow every address.
        const bits = prefix === undefined ? (family === 'ipv6' ? 128 : 32) : rest.length === 0 && /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
        if (!Number.isInteger(bits) || bits < 0 || bits > (family === 'ipv6' ? 128 : 32)) throw new RangeError(`allowHosts: '${entry}' has an invalid prefix length`);
        this.#allowNets.addSubnet(net, bits, family);
      } else if (/^[a-z0-9.-]+$/i.test(entry) && prefix === undefined) {
        names.add(entry.toLowerCase());
      } else {
        throw new RangeError(`allowHosts: '${entry}' is neither a host name, an IP address nor a CIDR range`);
      }
    }
    this.#allowNames = names;
  }

  /** The reason `url` is refused by its form alone (scheme, credentials), or undefined. No DNS. */
  checkForm(url: URL): string | undefined {
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#allowHttp)) {
      return this.#allowHttp ? 'the scheme must be http or https' : 'the scheme must be https';
    }
    if (url.username !== '' || url.password !== '') return 'credentials in the URL are not allowed';
    if (url.hostname === '') return 'the URL has no host';
    return undefined;
  }

  #addressAllowed(address: string): string | undefined {
    if (this.#allowNets.check(address, familyOf(address))) return undefined;
    const range = forbiddenRange(address);
    return range === undefined ? undefined : `${address} is a ${range} address`;
  }

  /** Check form, resolve the host and check every address; the verdict names the address to connect to. */
  async check(url: URL): Promise<UrlVerdict> {
    const form = this.checkForm(url);
    if (form !== undefined) return { ok: false, reason: form };
    const host = bare(url.hostname).toLowerCase();
    const literal = isIP(host);
    if (literal !== 0) {
      const refused = this.#addressAllowed(host);
      return refused === undefined ? { ok: true, address: host, family: literal as 4 | 6 } : { ok: false, reason: refused };
    }
    let addresses: readonly { address: string; family: number }[];
    try {
      addresses = await this.#lookup(host);
    } catch (e) {
      return { ok: false, reason: `host '${host}' does not resolve (${(e as { code?: string }).code ?? (e as Error).message})` };
    }
    if (addresses.length === 0) return { ok: false, reason: `host '${host}' does not resolve` };
    const first = addresses[0]!;
    if (this.#allowNames.has(host)) return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
    for (const a of addresses) {
      const refused = this.#addressAllowed(a.address);
      if (refused !== undefined) return { ok: false, reason: `host '${host}' resolves to ${refused}` };
    }
    return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  /** As `check`, for the registration route: the refusal reason or undefined. */
  async refusal(url: URL): Promise<string | undefined> {
    const v = await this.check(url);
    return v.ok ? undefined : v.reason;
  }
}
