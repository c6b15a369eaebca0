import { firstValueFrom, type Observable } from 'rxjs';

/** Awaits a unary gRPC call made through a generated Nest client. */
export function unary<T>(call: Observable<T>): Promise<T> {
  return firstValueFrom(call);
}
