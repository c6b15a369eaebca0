import { limitKeyOfAddress } from './limit-key';

describe('limitKeyOfAddress', () => {
  it('keys an IPv4 address as itself', () => {
    expect(limitKeyOfAddress('203.0.113.7')).toBe('203.0.113.7');
  });

  it('keys an IPv4-mapped IPv6 address, as a dual-stack socket reports it, as its IPv4 address', () => {
    expect(limitKeyOfAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(limitKeyOfAddress('::FFFF:203.0.113.7')).toBe('203.0.113.7');
    expect(limitKeyOfAddress('0:0:0:0:0:ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('keys every address of one /64, in any form or case, as that /64', () => {
    const forms = [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:0000:0000:0000:0001',
      '2001:DB8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:db8:1:2:a:b:c:d',
    ];
    expect(new Set(forms.map(limitKeyOfAddress))).toEqual(new Set(['2001:db8:1:2::/64']));
  });

  it('writes the /64 in one compressed lower-case form', () => {
    expect(limitKeyOfAddress('2001:0DB8:0000:0000:1::1')).toBe('2001:db8::/64');
    expect(limitKeyOfAddress('2001:db8:0:0:abcd::')).toBe('2001:db8::/64');
    expect(limitKeyOfAddress('::1')).toBe('::/64');
  });

  it('keys two different /64 apart', () => {
    expect(limitKeyOfAddress('2001:db8:1:2::1')).not.toBe(limitKeyOfAddress('2001:db8:1:3::1'));
    expect(limitKeyOfAddress('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('keys an address a translator made of an IPv4 caller (NAT64 64:ff9b::/96, SIIT ::ffff:0:0:0/96) as that IPv4 address', () => {
    expect(limitKeyOfAddress('64:ff9b::192.0.2.1')).toBe('192.0.2.1');
    expect(limitKeyOfAddress('64:FF9B::C000:201')).toBe('192.0.2.1');
    expect(limitKeyOfAddress('64:ff9b::198.51.100.9')).toBe('198.51.100.9');
    expect(limitKeyOfAddress('::ffff:0:192.0.2.1')).toBe('192.0.2.1');
    expect(limitKeyOfAddress('::ffff:0:c633:6409')).toBe('198.51.100.9');
  });

  it('keys an address of a local NAT64 prefix (64:ff9b:1::/48, where the IPv4 part may sit anywhere) whole', () => {
    expect(limitKeyOfAddress('64:ff9b:1:7::C000:201')).toBe('64:ff9b:1:7::c000:201');
    expect(limitKeyOfAddress('64:ff9b:1:7::c633:6409')).toBe('64:ff9b:1:7::c633:6409');
  });

  it('keeps the loopback and unspecified addresses apart from the IPv4 callers a translator hands on', () => {
    expect(limitKeyOfAddress('::1')).toBe('::/64');
    expect(limitKeyOfAddress('::')).toBe('::/64');
    expect(limitKeyOfAddress('64:ff9b:0:0:1::1')).toBe('64:ff9b::/64');
  });

  it('keys a link-local address with a zone id by its /64, without the zone', () => {
    expect(limitKeyOfAddress('fe80::1%eth0')).toBe('fe80::/64');
    expect(limitKeyOfAddress('fe80::2')).toBe('fe80::/64');
  });

  it('returns what it cannot parse as it is', () => {
    for (const garbage of [
      '',
      'unknown',
      '[::1]',
      '2001:db8::1::2',
      '203.0.113.256',
      'not an address',
    ])
      expect(limitKeyOfAddress(garbage)).toBe(garbage);
  });
});
