import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go. Provider endpoints are typed in by people (and chat webhooks pasted), and the server POSTs
 * to them and shows each attempt's status: pointed at loopback, a private network or the cloud metadata address, that
 * would make the server a port scanner and a way to POST into internal services. So internal addresses are refused,
 * at save time when the URL names one literally and at connect time on the very address resolved (a host name that
 * resolves to one, DNS rebinding), unless WEBHOOK_ALLOW_HOSTS lists the receiver.
 */

export type AddressClass = 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unspecified' | 'multicast' | 'broadcast' | 'reserved';

const DESCRIPTION: Record<AddressClass, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  'link-local': 'a link-local address (where cloud metadata services answer)',
  cgnat: 'a carrier-grade NAT address (100.64.0.0/10)',
  unspecified: 'an unspecified ("this host") address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved address',
};

/** IPv4 ranges by class; each is also refused in the IPv6 forms that carry an IPv4 address (see below). */
const V4: Record<AddressClass, readonly string[]> = {
  loopback: ['127.0.0.0/8'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  'link-local': ['169.254.0.0/16'],
  cgnat: ['100.64.0.0/10'],
  unspecified: ['0.0.0.0/8'],
  multicast: ['224.0.0.0/4'],
  broadcast: ['255.255.255.255/32'],
  // IETF protocol assignments, benchmarking, and the old class E (240/4, which holds the broadcast address above).
  reserved: ['192.0.0.0/24', '198.18.0.0/15', '240.0.0.0/4'],
};

const V6: Record<AddressClass, readonly string[]> = {
  loopback: ['::1/128'],
  // Unique local addresses, and the deprecated site-local ones.
  private: ['fc00::/7', 'fec0::/10'],
  'link-local': ['fe80::/10'],
  cgnat: [],
  unspecified: ['::/128'],
  multicast: ['ff00::/8'],
  broadcast: [],
  // The discard-only prefix, and local-use NAT64 (64:ff9b:1::/48) beyond its first /96: a translator may put the
  // IPv4 address at another offset there, so where such an address leads cannot be told.
  reserved: ['100::/64', ...outsideFirst96('0064:ff9b:0001')],
};

/** The rest of the /48 `prefix` (three groups) once its first /96 is taken out: one CIDR per bit from 49 to 96. */
function outsideFirst96(prefix: string): string[] {
  return Array.from({ length: 48 }, (_, i) => {
    const bits = (BigInt('0x' + prefix.replaceAll(':', '')) << 80n) | (1n << BigInt(79 - i));
    return `${bits.toString(16).padStart(32, '0').match(/.{4}/g)!.join(':')}/${49 + i}`;
  });
}

/**
 * IPv6 prefixes that embed an IPv4 address at a given bit offset: IPv4-mapped (::ffff:a.b.c.d), the deprecated
 * IPv4-compatible (::a.b.c.d), SIIT's IPv4-translated (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d, and the local-use
 * 64:ff9b:1::a.b.c.d) and 6to4 (2002:aabb:ccdd::). An internal IPv4 address in any of them is refused like the
 * address itself.
 */
const EMBEDDINGS: readonly { at: number; v6: (hi: string, lo: string) => string }[] = [
  { at: 96, v6: (hi, lo) => `::ffff:${hi}:${lo}` },
  { at: 96, v6: (hi, lo) => `::${hi}:${lo}` },
  { at: 96, v6: (hi, lo) => `::ffff:0:${hi}:${lo}` },
  { at: 96, v6: (hi, lo) => `64:ff9b::${hi}:${lo}` },
  { at: 96, v6: (hi, lo) => `64:ff9b:1::${hi}:${lo}` },
  { at: 16, v6: (hi, lo) => `2002:${hi}:${lo}::` },
];

/** Checked in this order: the first class whose ranges hold an address names it. */
const CLASSES: readonly AddressClass[] = ['loopback', 'link-local', 'private', 'cgnat', 'unspecified', 'broadcast', 'multicast', 'reserved'];

function splitCidr(cidr: string): [string, number] {
  const [address, prefix] = cidr.split('/') as [string, string];
  return [address, Number(prefix)];
}

const RANGES: readonly [AddressClass, BlockList][] = CLASSES.map((cls) => {
  const list = new BlockList();
  for (const cidr of V4[cls]) {
    const [address, prefix] = splitCidr(cidr);
    list.addSubnet(address, prefix, 'ipv4');
    const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
    const hi = ((a << 8) | b).toString(16);
    const lo = ((c << 8) | d).toString(16);
    for (const e of EMBEDDINGS) list.addSubnet(e.v6(hi, lo), e.at + prefix, 'ipv6');
  }
  for (const cidr of V6[cls]) {
    const [address, prefix] = splitCidr(cidr);
    list.addSubnet(address, prefix, 'ipv6');
  }
  return [cls, list];
});

/** An IP address without the brackets a URL puts around IPv6 and without a zone id; null when `host` is no IP address. */
function bareIp(host: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const unbracketed = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const address = unbracketed.split('%')[0]!;
  const v = isIP(address);
  return v === 0 ? null : { address, family: v === 4 ? 'ipv4' : 'ipv6' };
}

/** The internal class of an IP address (loopback, private, link-local…), or null for a public one. */
export function classifyAddress(ip: string): AddressClass | null {
  const bare = bareIp(ip);
  if (!bare) throw new TypeError(`not an IP address: ${JSON.stringify(ip)}`);
  for (const [cls, list] of RANGES) if (list.check(bare.address, bare.family)) return cls;
  return null;
}

/** Host names as compared: lower case, without the trailing dot of a fully qualified name. */
function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const ENV = 'WEBHOOK_ALLOW_HOSTS';

/**
 * WEBHOOK_ALLOW_HOSTS: comma-separated host names (exact, any address they resolve to), IP addresses and CIDR ranges
 * that webhooks may reach although they are internal. Returns the entries normalized, or one problem per bad entry.
 */
export function parseWebhookAllowHosts(value: string | undefined): { value: string[] } | { problems: string[] } {
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
  const problems: string[] = [];
  const out: string[] = [];
  for (const entry of entries) {
    const r = allowEntry(entry);
    if ('problem' in r) problems.push(`${ENV} entry ${JSON.stringify(entry)} ${r.problem}`);
    else out.push(r.entry);
  }
  return problems.length > 0 ? { problems } : { value: out };
}

type AllowEntry = { kind: 'host'; host: string } | { kind: 'subnet'; address: string; prefix: number; family: 'ipv4' | 'ipv6' };

function allowEntry(entry: string): ({ entry: string } & AllowEntry) | { problem: string } {
  if (entry.includes('://')) return { problem: 'is a URL: give only its host name or IP address' };
  const slash = entry.indexOf('/');
  if (slash >= 0) {
    const ip = bareIp(entry.slice(0, slash));
    const prefixText = entry.slice(slash + 1);
    if (!ip) return { problem: 'is not a CIDR range: an IP address, "/" and a prefix length, like 10.20.0.0/16 or fd00::/8' };
    const max = ip.family === 'ipv4' ? 32 : 128;
    const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
    if (!(prefix >= 0 && prefix <= max)) return { problem: `has a prefix length that is not 0-${max}` };
    return { entry: `${ip.address}/${prefix}`, kind: 'subnet', address: ip.address, prefix, family: ip.family };
  }
  const ip = bareIp(entry);
  if (ip) return { entry: ip.address, kind: 'subnet', address: ip.address, prefix: ip.family === 'ipv4' ? 32 : 128, family: ip.family };
  const host = normalHost(entry);
  if (/^[\d.]+$/.test(host)) return { problem: 'is not a valid IPv4 address' };
  if (!HOST_NAME.test(host)) return { problem: 'is not a host name, an IP address or a CIDR range (no scheme, port, path or wildcard)' };
  return { entry: host, kind: 'host', host };
}

/** Why a destination is refused: the address's class, and the address (for the log; it is not shown to users). */
export interface Refusal {
  class: AddressClass;
  address: string;
  /** The host name the URL gave, when it was one (not a literal address). */
  host: string | null;
}

/** A delivery refused because its destination is internal; permanent until WEBHOOK_ALLOW_HOSTS changes. */
export class DestinationRefusedError extends Error {
  readonly code = 'EDESTINATIONREFUSED';
  constructor(readonly refusal: Refusal) {
    super(refusalText(refusal));
    this.name = 'DestinationRefusedError';
  }
}

/**
 * The refusal in words. A literal address is repeated (it is in the URL), a host name's resolved address is not: a
 * ticket's delivery log is shown to its provider and to viewers, and the server log has it for the operator.
 */
function describe(r: Refusal): string {
  return r.host === null ? `${r.address} is ${DESCRIPTION[r.class]}` : `${r.host} resolves to ${DESCRIPTION[r.class]}`;
}

/** A delivery's error for a refused destination. */
export function refusalText(r: Refusal): string {
  return `destination refused: ${describe(r)}; internal receivers are reached only when ${ENV} lists them`;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type LookupOptions = Omit<LookupAllOptions, 'all'> & { all?: boolean };
export type Resolver = (host: string, options: LookupAllOptions, cb: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface WebhookDestinationsOptions {
  /** How host names are resolved (dns.lookup, as node:net would); injectable for tests. */
  resolve?: Resolver;
}

/** The destination policy: internal addresses refused unless allow-listed. */
export class WebhookDestinations {
  private readonly hosts = new Set<string>();
  private readonly allowed = new BlockList();
  private readonly resolve: Resolver;

  /** `allow`: WEBHOOK_ALLOW_HOSTS entries (see parseWebhookAllowHosts); throws a RangeError on a bad one. */
  constructor(allow: readonly string[] = [], opts: WebhookDestinationsOptions = {}) {
    for (const text of allow) {
      const e = allowEntry(text);
      if ('problem' in e) throw new RangeError(`${ENV} entry ${JSON.stringify(text)} ${e.problem}`);
      if (e.kind === 'host') this.hosts.add(e.host);
      else this.allowed.addSubnet(e.address, e.prefix, e.family);
    }
    this.resolve = opts.resolve ?? ((host, options, cb) => dnsLookup(host, options, cb));
  }

  /** Why connecting to `address` for the URL host `host` is refused, or null when it may go ahead. */
  refusal(host: string, address: string): Refusal | null {
    const literal = bareIp(host) !== null;
    if (!literal && this.hosts.has(normalHost(host))) return null;
    const bare = bareIp(address);
    if (!bare) return null; // not an address node:net would connect to; it fails on its own
    if (this.allowed.check(bare.address, bare.family)) return null;
    const cls = classifyAddress(bare.address);
    return cls === null ? null : { class: cls, address: bare.address, host: literal ? null : normalHost(host) };
  }

  /** For a URL that names an IP address: the refusal, checked before connecting (node:net does no lookup for one). */
  literalRefusal(url: URL): Refusal | null {
    const ip = bareIp(url.hostname);
    return ip ? this.refusal(ip.address, ip.address) : null;
  }

  /**
   * Why a webhook URL cannot be saved, or null. Only what is certain without DNS: an internal literal address, and
   * `localhost` names (which always resolve to loopback); other host names are checked when connecting.
   */
  urlProblem(url: string): string | null {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null; // the schema's pattern speaks for malformed URLs
    }
    const host = normalHost(u.hostname);
    const r = this.literalRefusal(u) ?? ((host === 'localhost' || host.endsWith('.localhost')) && !this.hosts.has(host) ? { class: 'loopback' as const, address: '127.0.0.1', host } : null);
    return r && `must not point to an internal address: ${describe(r)}; list an internal receiver in ${ENV} to allow it`;
  }

  /**
   * A `lookup` for node:http(s) and node:net: resolves as usual, then keeps only addresses that may be reached, so the
   * check applies to the very address connected to. When none is left the connection fails with a
   * DestinationRefusedError.
   */
  readonly lookup = (host: string, options: LookupOptions, callback: LookupCallback): void => {
    const { all, ...rest } = options;
    this.resolve(host, { ...rest, all: true }, (err, addresses) => {
      if (err) return callback(err, all ? [] : '');
      const refusals = addresses.map((a) => this.refusal(host, a.address));
      const ok = addresses.filter((_, i) => refusals[i] === null);
      if (ok.length === 0) {
        const first = refusals.find((r) => r !== null);
        if (first) return callback(new DestinationRefusedError(first), all ? [] : '');
        const e: NodeJS.ErrnoException = new Error(`no address for ${host}`);
        e.code = 'ENOTFOUND';
        return callback(e, all ? [] : '');
      }
      if (all) callback(null, ok);
      else callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
