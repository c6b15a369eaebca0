import ipaddr from 'ipaddr.js';

/**
 * The key a per-address limit counts a caller under: an IPv4 address as itself (also when a
 * dual-stack socket reports it IPv4-mapped, `::ffff:1.2.3.4`), an IPv6 address as its /64 in one
 * form (`2001:db8:1:2::/64`), so every way of writing it is one key. What is no address at all
 * is returned as it is.
 */
export function limitKeyOfAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed instanceof ipaddr.IPv4) return parsed.toString();
  // ISPs hand each subscriber a /64 or more: a narrower key would let one client rotate its
  // address into a fresh limit. The /64 is the first four of the eight 16-bit parts.
  const network = new ipaddr.IPv6([...parsed.parts.slice(0, 4), 0, 0, 0, 0]);
  return `${network.toRFC5952String()}/64`;
}
