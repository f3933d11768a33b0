import { BlockList, isIP } from 'node:net';

/** Why an address may not be fetched from; 'public' when it may. */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'unique-local'
  | 'ipv4-mapped'
  | 'ipv4-embedded'
  | 'not-an-address';

type Range = [network: string, prefix: number, cls: Exclude<AddressClass, 'public' | 'not-an-address'>];

/** IANA IPv4 Special-Purpose Address Registry (RFC 6890 and successors), most specific first. */
const IPV4_RANGES: Range[] = [
  ['255.255.255.255', 32, 'broadcast'],
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * IANA IPv6 Special-Purpose Address Registry. Addresses that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4, Teredo) are refused outright: the embedded address could be any of
 * the IPv4 ranges above, and a metadata document has no reason to live behind one.
 */
const IPV6_RANGES: Range[] = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::ffff:0:0', 96, 'ipv4-mapped'],
  ['::', 96, 'ipv4-embedded'],
  ['64:ff9b::', 96, 'ipv4-embedded'],
  ['64:ff9b:1::', 48, 'ipv4-embedded'],
  ['100::', 64, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['2001::', 23, 'reserved'],
  ['2002::', 16, 'ipv4-embedded'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

function compile(ranges: Range[], family: 'ipv4' | 'ipv6'): { list: BlockList; cls: Range[2] }[] {
  return ranges.map(([network, prefix, cls]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, cls };
  });
}

const V4 = compile(IPV4_RANGES, 'ipv4');
const V6 = compile(IPV6_RANGES, 'ipv6');
/** Global unicast (RFC 4291 §2.4): everything else in IPv6 is not routable on the Internet. */
const V6_GLOBAL_UNICAST = compile([['2000::', 3, 'reserved']], 'ipv6')[0].list;

/**
 * Classifies an IP address for the Client ID Metadata Document fetch (draft-ietf-oauth-
 * client-id-metadata-document §6.5, SSRF): only 'public' addresses may be contacted, unless
 * the operator allowed the host by name.
 */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return V4.find((r) => r.list.check(bare, 'ipv4'))?.cls ?? 'public';
  if (family === 6) {
    const special = V6.find((r) => r.list.check(bare, 'ipv6'));
    if (special) return special.cls;
    return V6_GLOBAL_UNICAST.check(bare, 'ipv6') ? 'public' : 'reserved';
  }
  return 'not-an-address';
}
