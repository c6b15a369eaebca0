import { mkdir, appendFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { APP_CONFIG, errorMessage, formatDateTime, formatOncePerSecond } from '@app/config';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import type { GatewayConfig } from '../config/gateway.config';

/** One line of the reference's `userClick.log`. */
export interface TraceEntry {
  /** The client's `Trace` header, kept as the string it sent. */
  trace: string;
  channelId: number;
  /** Reading duration in seconds; empty for clicks. */
  readTime: string;
}

const FLUSH_INTERVAL_MS = 1_000;
/** Each flush opens and closes the file (so rotation by moving it works): not more often than this fills. */
const FLUSH_AT_BYTES = 256 * 1024;
/** Lines kept while the file cannot be written; older ones are dropped rather than growing memory. */
const MAX_PENDING_LINES = 100_000;

/**
 * Appends trace lines to TRACE_LOG_FILE in batches: requests only push to memory, a timer (or a
 * full buffer) writes them with one async append, and shutdown writes what is left.
 */
@Injectable()
export class TraceLogWriter implements OnApplicationShutdown {
  private readonly logger = new Logger(TraceLogWriter.name);
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private folderReady: Promise<unknown> | undefined;
  /** `actionTime` of a line: lines come in thousands per second. */
  private readonly actionTimeOf: (now: Date) => string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<GatewayConfig, 'TRACE_LOG_FILE' | 'TZ'>,
  ) {
    this.actionTimeOf = formatOncePerSecond((instant) => formatDateTime(instant, config.TZ));
  }

  write(entry: TraceEntry, now = new Date()): void {
    const line = JSON.stringify({
      actionTime: this.actionTimeOf(now),
      readTime: entry.readTime,
      channelId: entry.channelId,
      param: entry.trace,
    });
    if (this.pending.length >= MAX_PENDING_LINES) return;
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line) + 1;
    if (this.pendingBytes >= FLUSH_AT_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  /** Writes everything buffered so far; resolves when it is on disk (or failed and was logged). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return this.writing;
    const chunk = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.pendingBytes = 0;
    this.writing = this.writing.then(() => this.append(chunk));
    return this.writing;
  }

  onApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  private async append(chunk: string): Promise<void> {
    try {
      this.folderReady ??= mkdir(dirname(this.config.TRACE_LOG_FILE), { recursive: true });
      await this.folderReady;
      await appendFile(this.config.TRACE_LOG_FILE, chunk, 'utf8');
    } catch (error) {
      this.folderReady = undefined;
      this.logger.error(`trace log not written: ${errorMessage(error)}`);
    }
  }
}
