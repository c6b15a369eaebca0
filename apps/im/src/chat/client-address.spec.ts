import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it('takes the entry the proxy appended, not the ones the client wrote before it', () => {
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', '203.0.113.7', 1)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.5', ['198.51.100.1', '203.0.113.7'], 1)).toBe('203.0.113.7');
  });

  it('counts back one entry per trusted hop', () => {
    expect(clientAddress('10.0.0.5', '198.51.100.1, 203.0.113.7, 10.0.0.9', 2)).toBe('203.0.113.7');
  });

  it('uses the socket address with no proxy trusted, whatever the header says', () => {
    expect(clientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
  });

  it('uses the farthest address it has when there are fewer entries than hops', () => {
    expect(clientAddress('10.0.0.5', undefined, 1)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '', 1)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', '203.0.113.7', 3)).toBe('203.0.113.7');
  });
});
