/** What an Authorization header holds: a Bearer token, an anonymous device id, or nothing usable. */
export type Credentials =
  | { kind: 'bearer'; token: string }
  | { kind: 'anonymous'; deviceId: string }
  | { kind: 'none' };

export function parseAuthorization(header: string | undefined): Credentials {
  if (!header) return { kind: 'none' };
  const match = /^(Bearer|Anony)\s+(\S+)$/.exec(header.trim());
  if (!match) return { kind: 'none' };
  return match[1] === 'Bearer' ? { kind: 'bearer', token: match[2] } : { kind: 'anonymous', deviceId: match[2] };
}
