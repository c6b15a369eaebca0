import { ConnectionsPerAddress } from './connections-per-address';

describe('ConnectionsPerAddress', () => {
  it('lets an address hold max connections, and another address its own', () => {
    const connections = new ConnectionsPerAddress(2);
    expect(connections.take('203.0.113.1')).not.toBeNull();
    expect(connections.take('203.0.113.1')).not.toBeNull();
    expect(connections.take('203.0.113.1')).toBeNull();
    expect(connections.take('203.0.113.2')).not.toBeNull();
    expect(connections.held('203.0.113.1')).toBe(2);
  });

  it('gives a place back once, however often it is released, and forgets an address that holds none', () => {
    const connections = new ConnectionsPerAddress(2);
    const first = connections.take('203.0.113.1');
    const second = connections.take('203.0.113.1');
    first?.();
    first?.();
    expect(connections.held('203.0.113.1')).toBe(1);
    expect(connections.take('203.0.113.1')).not.toBeNull();
    expect(connections.take('203.0.113.1')).toBeNull();

    second?.();
    expect(connections.held('203.0.113.1')).toBe(1);
    const connectionsOfOther = connections.take('203.0.113.2');
    connectionsOfOther?.();
    expect(connections.addresses).toBe(1);
  });

  it('caps nothing at 0', () => {
    const connections = new ConnectionsPerAddress(0);
    const releases = Array.from({ length: 1000 }, () => connections.take('203.0.113.1'));
    expect(releases).not.toContain(null);
    for (const release of releases) release?.();
    expect(connections.addresses).toBe(0);
  });
});
