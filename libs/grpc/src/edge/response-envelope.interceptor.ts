import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { map, type Observable } from 'rxjs';

export interface Envelope<T> {
  message: 'OK';
  data: T;
}

/** Wraps handler results as `{"message":"OK","data":…}`; handlers returning nothing (204) stay empty. */
@Injectable()
export class ResponseEnvelopeInterceptor<T> implements NestInterceptor<T, Envelope<T> | undefined> {
  intercept(_context: ExecutionContext, next: CallHandler<T>): Observable<Envelope<T> | undefined> {
    return next.handle().pipe(map((data) => (data === undefined ? undefined : { message: 'OK', data })));
  }
}
