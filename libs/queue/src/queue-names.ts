/** BullMQ queues. BullMQ forbids ':' in queue names. */
export enum QueueName {
  Sms = 'sms',
  SearchIndex = 'search-index',
  Statistics = 'statistics',
  Notifications = 'notifications',
  Candidates = 'candidates',
}

/**
 * Jobs that have a processor in apps/worker. Add a name only together with its processor:
 * the worker refuses to boot while a job of a queue it runs has no processor.
 */
export enum JobName {
  SendSmsCode = 'send-sms-code',
  IndexArticle = 'index-article',
  RefreshCandidate = 'refresh-candidate',
  RepairCounters = 'repair-counters',
}

/** Payload of {@link JobName.SendSmsCode}: one verification code to deliver by SMS. */
export interface SendSmsCodePayload {
  mobile: string;
  code: string;
  /** Which login asked for it (`app:code:*` or `mp:code:*`). */
  scope: 'app' | 'mp';
}

/** Why an article's search entry is refreshed (the processor re-reads the article either way). */
export type IndexArticleReason = 'approve' | 'edit' | 'delete';

/** Payload of {@link JobName.IndexArticle}: bring one article's search entry in line with it. */
export interface IndexArticlePayload {
  articleId: string;
  /**
   * An {@link IndexArticleReason}, or in a job of a later release one this release does not know,
   * which its worker handles as an edit.
   */
  reason: string;
}

/** Payload of {@link JobName.RefreshCandidate}: bring one article's place in the recommend pools in line with it. */
export interface RefreshCandidatePayload {
  articleId: string;
}

/**
 * Payload of {@link JobName.RepairCounters}: rebuild every Redis counter from MySQL. `scheduledFor`
 * is the minute the scheduler fired for (UTC, `YYYYMMDDHHmm`), which is also the job id's part.
 * `retryUntil` (ISO 8601) is when a scheduled repair's retries end, shortly before the next
 * scheduled one: a retry that would start later fails for good. A repair asked for by hand has
 * none, and retries as its attempts allow.
 */
export interface RepairCountersPayload {
  scheduledFor: string;
  retryUntil?: string;
}

/** The payload type of every job; indexing it with a JobName that lacks an entry fails to compile. */
export interface JobPayloads {
  [JobName.SendSmsCode]: SendSmsCodePayload;
  [JobName.IndexArticle]: IndexArticlePayload;
  [JobName.RefreshCandidate]: RefreshCandidatePayload;
  [JobName.RepairCounters]: RepairCountersPayload;
}

/** The queue each job is added to and processed from. */
export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.SendSmsCode]: QueueName.Sms,
  [JobName.IndexArticle]: QueueName.SearchIndex,
  [JobName.RefreshCandidate]: QueueName.Candidates,
  [JobName.RepairCounters]: QueueName.Statistics,
};

/** Every job name, in declaration order. */
export const ALL_JOB_NAMES: readonly JobName[] = Object.values(JobName);

/** Every queue name, in declaration order. */
export const ALL_QUEUE_NAMES: readonly QueueName[] = Object.values(QueueName);

/** The jobs that belong to the given queues. */
export function jobsOfQueues(queues: readonly QueueName[]): JobName[] {
  return ALL_JOB_NAMES.filter((name) => queues.includes(JOB_QUEUE[name]));
}
