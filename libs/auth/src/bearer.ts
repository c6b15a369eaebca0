/** What an Authorization header holds: a Bearer token, an anonymous device id, or nothing usable. */
export type Credentials =
  { kind: 'bearer'; token: string } | { kind: 'anonymous'; deviceId: string } | { kind: 'none' };

/**
 * The longest device id taken from `Anony <device-id>`: it names the device's feed state in Redis
 * and its exposures in the recommend service, so a longer one (up to the 16 KiB a header may hold)
 * is no usable credential, as a malformed header is (401 where a token is checked).
 */
export const MAX_DEVICE_ID_LENGTH = 64;

export function parseAuthorization(header: string | undefined): Credentials {
  if (!header) return { kind: 'none' };
  const match = /^(Bearer|Anony)\s+(\S+)$/.exec(header.trim());
  if (!match) return { kind: 'none' };
  if (match[1] === 'Bearer') return { kind: 'bearer', token: match[2] };
  return match[2].length > MAX_DEVICE_ID_LENGTH
    ? { kind: 'none' }
    : { kind: 'anonymous', deviceId: match[2] };
}
