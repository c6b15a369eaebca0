/** Cache keys (Redis role `cache`, may be evicted), named as in the reference. */
export const CacheKeys = {
  userProfile: (userId: string) => `user:${userId}:profile`,
  userStatus: (userId: string) => `user:${userId}:status`,
  userProfileExtra: (userId: string) => `user:${userId}:profilex`,
  userFollowings: (userId: string) => `user:${userId}:following`,
  userFans: (userId: string) => `user:${userId}:fans`,
  userRelationship: (userId: string) => `user:${userId}:relationship`,
  /**
   * JSON `{ userIds, truncated }` of the users `userId` blacklisted (RelationService.GetBlacklist),
   * filled by the news service, which checks it before notifying an author; the user service
   * invalidates it whenever a relation of `userId` moves to or from Blacklist.
   */
  userBlacklist: (userId: string) => `user:${userId}:blacklist`,
  userArticles: (userId: string) => `user:${userId}:art`,
  userCollections: (userId: string) => `user:${userId}:art:collection`,
  userAttitudes: (userId: string) => `user:${userId}:art:attitude`,
  userCommentLikings: (userId: string) => `user:${userId}:comm:liking`,
  userChannels: (userId: string) => `user:${userId}:ch`,
  allChannels: () => 'ch:all',
  defaultChannels: () => 'ch:user:default',
  articleInfo: (articleId: string) => `art:${articleId}:info`,
  articleDetail: (articleId: string) => `art:${articleId}:detail`,
  /** Ids of related articles (the recommend service's `article_recommend`), comma-separated. */
  articleRelated: (articleId: string) => `art:${articleId}:related`,
  /**
   * Zset of the articles that left the readers' lists lately (in review after an edit, banned) and
   * are not back: article id -> when (ms). Cached copies filled before that still count them.
   */
  recentlyHiddenArticles: () => 'art:hidden:recent',
  articleComments: (articleId: string) => `art:${articleId}:comm`,
  commentReplies: (commentId: string) => `comm:${commentId}:reply`,
  comment: (commentId: string) => `comm:${commentId}`,
  announcements: () => 'announcement',
  announcement: (id: number) => `announcement:${id}`,
  /**
   * The first run of a channel's feed for a new anonymous reader under an A/B algorithm: a list
   * of batch JSONs (`{"ids":[…]}`), written by the recommend service from its shared ranking,
   * copied into a new device's feed queue by the gateway.
   */
  feedColdStart: (channelId: number, algorithm: string) =>
    `feed:coldstart:${channelId}:${algorithm}`,
  /**
   * The ids of that run, comma-joined, written with it: what the gateway remembers for a device it
   * deals the run to, without decoding the batches.
   */
  feedColdStartIds: (channelId: number, algorithm: string) =>
    `feed:coldstart:${channelId}:${algorithm}:ids`,
} as const;

/** State keys (Redis role `state`, never evicted): codes, histories, sessions, top articles. */
export const StateKeys = {
  appSmsCode: (mobile: string) => `app:code:${mobile}`,
  mpSmsCode: (mobile: string) => `mp:code:${mobile}`,
  /**
   * Set by every code the user service issues, never expired: the worker that finds a job's code
   * missing tells by it a code used up or burnt (here) from a state Redis codes are not stored in.
   */
  smsCodesIssued: 'sms:codes:issued',
  readingHistory: (userId: string) => `user:${userId}:his:reading`,
  searchHistory: (userId: string) => `user:${userId}:his:searching`,
  channelTopArticles: (channelId: number) => `ch:${channelId}:art:top`,
  /** Hash of the article's reading-time aggregates; fields in `ReadingStatsFields`. */
  articleReadingStats: (articleId: string) => `art:${articleId}:reading:stats`,
  session: (sessionId: string) => `session:${sessionId}`,
  userSessions: (userId: string) => `user:${userId}:sessions`,
  lock: (name: string) => `lock:${name}`,
  /** When the counter repair last began (ms since the epoch). */
  counterRepairedAt: 'counters:repaired-at',
  /**
   * Bitmap of the writes Redis applied: the script calls of one CounterBuffer write by call number,
   * or a process' `ApplyOnceScript` calls (counter moves, limit takes) by their number. A call sent
   * again after its reply was lost finds its bit set and applies nothing.
   */
  counterWrite: (writeId: string) => `counters:write:${writeId}`,
} as const;

/** Counter zsets (role `state`): member = id, score = count. Names as in the reference. */
export const CounterKeys = {
  articleReads: 'count:art:reading',
  authorReads: 'count:user:arts:reading',
  userArticles: 'count:user:arts',
  articleCollections: 'count:art:collecting',
  userCollections: 'count:user:art:collecting',
  articleLikes: 'count:art:liking',
  articleDislikes: 'count:art:dislike',
  commentLikes: 'count:comm:liking',
  articleComments: 'count:art:comm',
  commentReplies: 'count:art:reply',
  userFollowings: 'count:user:followings',
  userFollowers: 'count:user:followers',
  userLikesReceived: 'count:user:liked',
  /** Times the recommend feed showed the article (not in the reference). */
  articleRecoExposures: 'count:art:reco',
} as const;

export type CounterKey = (typeof CounterKeys)[keyof typeof CounterKeys];

/**
 * Fields of `StateKeys.articleReadingStats`: counts over the reading-time reports of the app
 * (`POST /app/v1_0/reading/durations`) and where detail views came from. The gateway increments
 * them, the news service reads them.
 */
export const ReadingStatsFields = {
  /** Number of reports. */
  reports: 'reports',
  /** Sum of the reported seconds (each capped). */
  seconds: 'seconds',
  /** Sum of each report's completion percent (0-100). */
  completionPercent: 'completion',
  /** Reports shorter than the bounce threshold. */
  bounces: 'bounces',
  /** Reports by completion: above 80 %, 20-80 %, below 20 %. */
  gt80: 'gt80',
  lt80: 'lt80',
  lt20: 'lt20',
  /** Reports by signed-in readers who follow the author. */
  fanReads: 'fans',
  /** Detail views opened from a recommend feed card / from a channel's latest list. */
  recommendReads: 'from_recommend',
  channelReads: 'from_channel',
} as const;

export type ReadingStatsField = (typeof ReadingStatsFields)[keyof typeof ReadingStatsFields];
