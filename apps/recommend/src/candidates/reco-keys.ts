/**
 * Keys of the recommend service, all in the state role (never evicted). `reader` is a numeric
 * user id or `anon:<md5>` of an anonymous id, so arbitrary client strings never shape a key.
 */
export const RecoKeys = {
  /** zset: member = article id, score = creation time (ms); channel 0 = every channel. */
  candidates: (channelId: number) => `reco:ch:${channelId}:candidates`,
  /** set of the channel ids that have a candidate set (to drop sets of vanished channels). */
  channels: () => 'reco:channels',
  /** hash: article id -> channel id. */
  articleChannels: () => 'reco:art:channel',
  /** hash: article id -> space-separated title tokens. */
  articleTokens: () => 'reco:art:tokens',
  /**
   * string: the `TITLE_CUTTING` the stored title tokens were cut by; a rebuild finding another
   * (or none) cuts every pooled title again.
   */
  articleTokensCutting: () => 'reco:art:tokens:cutting',
  /** zset: a pool being rebuilt, renamed over `candidates` once written (expires if the rebuild dies). */
  candidatesScratch: (channelId: number, rebuild: string) =>
    `reco:ch:${channelId}:candidates:rebuilding:${rebuild}`,
  /** counter bumped on every pool change, so replicas know when to reload their snapshot. */
  candidatesVersion: () => 'reco:candidates:version',
  /**
   * counter of stamps: each reading of news (a rebuild's, a job's) takes one as it begins, each
   * job's write one as it lands, so their order is the stamps' order.
   */
  stamps: () => 'reco:candidates:stamps',
  /**
   * string: the stamp of the reading of the rebuild that began last. A job whose reading began
   * before it writes nothing: that rebuild read news later (reading-scripts.ts).
   */
  rebuildStamp: () => 'reco:candidates:rebuild',
  /** zset: member = a reading of news still going (a rebuild, a job), score = its stamp. */
  readings: () => 'reco:candidates:readings',
  /** zset: member = a reading, score = when it is taken for dead (ms, Redis clock). */
  readingDeadlines: () => 'reco:candidates:readings:deadlines',
  /**
   * zset: member = article id a job (approval, edit, ban, deletion) put in place, score = the
   * stamp its write took. A rebuild leaves the ids touched after it began as they are.
   */
  touched: () => 'reco:candidates:touched',
  /**
   * zset: member = article id a job put in place, score = the stamp of that job's reading: a job
   * whose reading began before it does not write what it read.
   */
  applied: () => 'reco:candidates:applied',
  /**
   * string: the articles shown to the reader in the channel since its pool last ran out, four
   * bytes each (`packPrints`), appended batch by batch.
   */
  shown: (reader: string, channelId: number) => `reco:u:${reader}:ch:${channelId}:shown`,
  /**
   * set of the same as article ids, as exposures were kept before `shown`: still read, never
   * written, gone within RECO_HISTORY_TTL_SECONDS.
   */
  seen: (reader: string, channelId: number) => `reco:u:${reader}:ch:${channelId}:seen`,
  /**
   * zset of the same (member = article id, score = when shown), as exposures were kept before
   * `seen`: still read, never written, gone within RECO_HISTORY_TTL_SECONDS.
   */
  exposedBefore: (reader: string, channelId: number) => `reco:u:${reader}:ch:${channelId}:exposed`,
  /** zset: member = `<stamp>|<id,id,…>`, score = the batch stamp (ms). */
  batches: (reader: string, channelId: number) => `reco:u:${reader}:ch:${channelId}:batches`,
  /**
   * hash: the stamp a request asked for -> the stamp its batch is stored at, for the batches in
   * `batches` stored at another stamp than asked (`StoredBatch.asked`), so that request sent again
   * finds its batch however many were stored after it. Past twice RECO_BATCH_HISTORY_SIZE
   * entries, those of batches no longer in `batches` are dropped.
   */
  askedStamps: (reader: string, channelId: number) => `reco:u:${reader}:ch:${channelId}:asked`,
  /** The RedisLock (`lock:reco:refresh`) one replica holds for an interval while it rebuilds. */
  refreshLockName: 'reco:refresh',
} as const;
