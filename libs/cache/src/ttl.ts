import { randomInt } from 'node:crypto';

/** A TTL in seconds: base plus a random jitter in [0, maxJitter), so keys written together expire apart. */
export interface TtlPolicy {
  baseSeconds: number;
  maxJitterSeconds: number;
}

export function ttlWithJitter(
  policy: TtlPolicy,
  random: (max: number) => number = randomInt,
): number {
  if (policy.maxJitterSeconds <= 0) return policy.baseSeconds;
  return policy.baseSeconds + random(policy.maxJitterSeconds);
}

const minutes = (n: number): number => n * 60;
const hours = (n: number): number => n * 3600;

/** The reference cache TTLs (section 3): base + jitter; `missing` is the null-marker TTL. */
export const CacheTtl = {
  userProfile: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  userProfileMissing: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  userStatus: { baseSeconds: minutes(60), maxJitterSeconds: 600 },
  userProfileExtra: { baseSeconds: minutes(10), maxJitterSeconds: 120 },
  userFollows: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  userRelationship: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  userRelationshipEmpty: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  // Short: a user service replica of the release before GetBlacklist drops no such list, so while
  // a deploy rolls a blacklist made through one is seen once this runs out.
  userBlacklist: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  userArticles: { baseSeconds: minutes(10), maxJitterSeconds: 120 },
  userCollections: { baseSeconds: minutes(10), maxJitterSeconds: 120 },
  userAttitudes: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  userAttitudesEmpty: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  userCommentLikings: { baseSeconds: minutes(10), maxJitterSeconds: 120 },
  userCommentLikingsEmpty: { baseSeconds: minutes(3), maxJitterSeconds: 60 },
  userChannels: { baseSeconds: minutes(60), maxJitterSeconds: 600 },
  channels: { baseSeconds: hours(24), maxJitterSeconds: 0 },
  articleInfo: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  articleInfoMissing: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  articleDetail: { baseSeconds: minutes(60), maxJitterSeconds: 600 },
  articleRelated: { baseSeconds: minutes(10), maxJitterSeconds: 120 },
  comments: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  comment: { baseSeconds: minutes(30), maxJitterSeconds: 600 },
  commentMissing: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  announcements: { baseSeconds: hours(48), maxJitterSeconds: 0 },
  announcement: { baseSeconds: hours(2), maxJitterSeconds: 600 },
  announcementMissing: { baseSeconds: minutes(5), maxJitterSeconds: 60 },
  smsCode: { baseSeconds: 300, maxJitterSeconds: 0 },
} as const satisfies Record<string, TtlPolicy>;
