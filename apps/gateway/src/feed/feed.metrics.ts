import { AppMetrics } from '@app/grpc';
import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';

/** Why a recommend call gave no batch: the label of `feed_recommend_fallback_total`. */
export type RecommendFailure = 'timeout' | 'unavailable' | 'error';

/** The feed's Prometheus counters, in the gateway's registry (served at its `/metrics`). */
@Injectable()
export class FeedMetrics {
  private readonly fallbacks: Counter<'reason'>;
  private readonly recommendCalls: Counter<'result'>;
  private readonly runsLeftEmpty: Counter;

  constructor({ registry }: AppMetrics) {
    this.fallbacks = new Counter({
      name: 'feed_recommend_fallback_total',
      help: 'Feed requests answered with the latest articles because the recommend service failed.',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.recommendCalls = new Counter({
      name: 'feed_recommend_calls_total',
      help: 'user_recommend calls of the feed, by result (most feed requests are dealt from a queued run without one).',
      labelNames: ['result'],
      registers: [registry],
    });
    this.runsLeftEmpty = new Counter({
      name: 'feed_recommend_runs_left_empty_total',
      help: "Runs drawn for the feed of which the viewer's fallback pages had shown every article: each costs the request another user_recommend call (three runs at most), or an empty page when none is left.",
      registers: [registry],
    });
  }

  recommendFallback(reason: RecommendFailure): void {
    this.fallbacks.inc({ reason });
  }

  recommendCalled(result: RecommendFailure | 'ok'): void {
    this.recommendCalls.inc({ result });
  }

  runLeftEmpty(): void {
    this.runsLeftEmpty.inc();
  }
}
