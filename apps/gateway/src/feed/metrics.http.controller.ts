import { RawResponse } from '@app/grpc';
import { Controller, Get, Header } from '@nestjs/common';

import { FeedMetrics } from './feed.metrics';

/** Prometheus scrape endpoint at the root (`/metrics`, outside the `/app` prefix and the envelope). */
@Controller()
export class MetricsHttpController {
  constructor(private readonly metrics: FeedMetrics) {}

  @Get('metrics')
  @RawResponse()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
