/**
 * The key every user without a photo is shown under (`photo`, `aut_photo`, `user_photo`): the
 * reference's default qiniu key, kept so URLs stay as its clients know them.
 */
export const DEFAULT_PHOTO_KEY = 'Fkj6tQi3xJwVXi1u2swCElotfdCi';

/** The URL a user's photo is shown at (STORAGE_PUBLIC_URL + key): their own, else the default one. */
export function photoUrl(publicUrl: string, key: string | null | undefined): string {
  return publicUrl + (key || DEFAULT_PHOTO_KEY);
}
