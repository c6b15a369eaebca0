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
  }

  recommendFallback(reason: RecommendFailure): void {
    this.fallbacks.inc({ reason });
  }

  recommendCalled(result: RecommendFailure | 'ok'): void {
    this.recommendCalls.inc({ result });
  }
}
