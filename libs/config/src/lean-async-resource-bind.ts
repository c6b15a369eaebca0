import { AsyncResource } from 'node:async_hooks';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Node 20's `AsyncResource#bind` gives each bound function a deprecated `asyncResource` accessor
 * (DEP0172) built by `util.deprecate`, which re-parents a new function on every call. The bind
 * then costs about 14 µs, and the re-parenting throws away V8's prototype-chain caches for the
 * code that runs next. The http2 client binds once per request, so every gRPC call paid for it:
 * `npm run bench:grpc-call` gives 189.2 µs of client CPU per unary call stock and 129.3 µs with
 * this. Newer Node stopped doing it (nodejs/node#58218, #59195).
 *
 * Where the runtime still does it, bind as newer Node does: the same async scope, `this`,
 * arguments and `length`, without the deprecated property. Answers whether it had to.
 */
export function useLeanAsyncResourceBind(): boolean {
  if (!bindReparentsFunctions()) return false;
  Object.defineProperty(AsyncResource.prototype, 'bind', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: leanBind,
  });
  return true;
}

/** Whether `bind` still makes its accessor with `util.deprecate`'s re-parented wrapper. */
export function bindReparentsFunctions(): boolean {
  const probe = new AsyncResource('LeanBindProbe').bind(() => undefined);
  const accessor = Object.getOwnPropertyDescriptor(probe, 'asyncResource') as
    { get?: object } | undefined;
  return accessor?.get !== undefined && Object.getPrototypeOf(accessor.get) !== Function.prototype;
}

function leanBind(this: AsyncResource, fn: AnyFunction, thisArg?: unknown): AnyFunction {
  if (typeof fn !== 'function') {
    throw Object.assign(
      new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`),
      {
        code: 'ERR_INVALID_ARG_TYPE',
      },
    );
  }
  const bound: AnyFunction =
    thisArg === undefined
      ? withCallSiteThis(this, fn)
      : (...args: unknown[]) => this.runInAsyncScope(fn, thisArg, ...args);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    writable: false,
    value: fn.length,
  });
  return bound;
}

function withCallSiteThis(resource: AsyncResource, fn: AnyFunction): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    return resource.runInAsyncScope(fn, this, ...args);
  };
}
