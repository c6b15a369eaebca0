import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** Why a recommend call gave no batch: the label of `feed_recommend_fallback_total`. */
export type RecommendFailure = 'timeout' | 'unavailable' | 'error';

/**
 * The gateway's Prometheus registry. Its own registry rather than prom-client's global one, so
 * several gateways in one process (tests, replicas) never collide on metric names.
 */
@Injectable()
export class FeedMetrics {
  readonly registry = new Registry();
  private readonly fallbacks = new Counter({
    name: 'feed_recommend_fallback_total',
    help: 'Feed requests answered with the latest articles because the recommend service failed.',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  private readonly recommendCalls = new Counter({
    name: 'feed_recommend_calls_total',
    help: 'user_recommend calls of the feed, by result (most feed requests are dealt from a queued run without one).',
    labelNames: ['result'],
    registers: [this.registry],
  });

  recommendFallback(reason: RecommendFailure): void {
    this.fallbacks.inc({ reason });
  }

  recommendCalled(result: RecommendFailure | 'ok'): void {
    this.recommendCalls.inc({ result });
  }
}
