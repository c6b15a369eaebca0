import { type CallOptions, Metadata } from '@grpc/grpc-js';
import { firstValueFrom, type Observable } from 'rxjs';

/** Awaits a unary gRPC call made through a generated Nest client. */
export function unary<T>(call: Observable<T>): Promise<T> {
  return firstValueFrom(call);
}

/** A unary method of a generated Nest client, as its interface declares it. */
export type UnaryMethod<Request, Response> = (
  request: Request,
  metadata?: Metadata,
) => Observable<Response>;

/**
 * The same method given grpc-js call options: Nest's client hands every argument on to grpc-js,
 * but the generated interface only names the metadata.
 */
type UnaryMethodWithOptions<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: CallOptions,
) => Observable<Response>;

/**
 * Awaits a unary call of `method`, bound to its client (`client.method.bind(client)`); past
 * `deadline` (epoch ms, else the client's default) it fails DEADLINE_EXCEEDED.
 */
export function unaryBefore<Request, Response>(
  deadline: number | undefined,
  method: UnaryMethod<Request, Response>,
  request: Request,
): Promise<Response> {
  if (deadline === undefined) return unary(method(request));
  const withOptions = method as UnaryMethodWithOptions<Request, Response>;
  return unary(withOptions(request, new Metadata(), { deadline }));
}
