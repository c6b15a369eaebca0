import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';

import { RAW_RESPONSE } from './raw-response.decorator';

export interface Envelope<T> {
  message: 'OK';
  data: T;
}

/**
 * Wraps handler results as `{"message":"OK","data":…}`; handlers returning nothing (204) stay
 * empty, and `@RawResponse()` handlers are sent as they are.
 */
@Injectable()
export class ResponseEnvelopeInterceptor<T> implements NestInterceptor<T, Envelope<T> | T | undefined> {
  constructor(private readonly reflector: Reflector = new Reflector()) {}

  intercept(context: ExecutionContext, next: CallHandler<T>): Observable<Envelope<T> | T | undefined> {
    if (this.reflector.get<boolean | undefined>(RAW_RESPONSE, context.getHandler())) return next.handle();
    return next.handle().pipe(map((data) => (data === undefined ? undefined : { message: 'OK' as const, data })));
  }
}
