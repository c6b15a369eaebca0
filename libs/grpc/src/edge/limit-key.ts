import ipaddr from 'ipaddr.js';

/**
 * Prefixes under which a translator in front hands on an IPv4 caller, its address in the last
 * 32 bits: NAT64's well-known prefix (RFC 6052) and SIIT's IPv4-translated addresses (RFC 6145).
 */
const IPV4_TRANSLATED = [ipaddr.parseCIDR('64:ff9b::/96'), ipaddr.parseCIDR('::ffff:0:0:0/96')];
/** NAT64's local-use prefix (RFC 8215): where its IPv4 part sits depends on the operator's prefix length. */
const LOCAL_NAT64 = ipaddr.parseCIDR('64:ff9b:1::/48');

/**
 * The key a per-address limit counts a caller under: an IPv4 address as itself (also when a
 * dual-stack socket reports it IPv4-mapped, `::ffff:1.2.3.4`, or a NAT64/SIIT translator in front
 * hands it on as IPv6), an IPv6 address as its /64 in one form (`2001:db8:1:2::/64`), so every way
 * of writing it is one key. What is no address at all is returned as it is.
 */
export function limitKeyOfAddress(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed instanceof ipaddr.IPv4) return parsed.toString();
  // A translated address is one IPv4 caller: its /64 would hold every IPv4 caller the translator serves.
  if (IPV4_TRANSLATED.some((range) => parsed.match(range))) {
    const [high, low] = parsed.parts.slice(6);
    return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]).toString();
  }
  if (parsed.match(LOCAL_NAT64)) return new ipaddr.IPv6(parsed.parts).toRFC5952String();
  // ISPs hand each subscriber a /64 or more: a narrower key would let one client rotate its
  // address into a fresh limit. The /64 is the first four of the eight 16-bit parts.
  const network = new ipaddr.IPv6([...parsed.parts.slice(0, 4), 0, 0, 0, 0]);
  return `${network.toRFC5952String()}/64`;
}
