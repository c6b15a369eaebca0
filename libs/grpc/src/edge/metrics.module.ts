import { Controller, type DynamicModule, Get, Header, Module } from '@nestjs/common';

import { AppMetrics } from './app-metrics';
import { RawResponse } from './raw-response.decorator';

/** The Prometheus scrape endpoint at the root (`/metrics`, outside the app's prefix and the envelope). */
@Controller()
class MetricsController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get('metrics')
  @RawResponse()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

/** Serves the app's registry at `/metrics` and gives every module `AppMetrics` to register in. */
@Module({})
export class MetricsModule {
  static forRoot(metrics: AppMetrics): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: AppMetrics, useValue: metrics }],
      exports: [AppMetrics],
    };
  }
}
