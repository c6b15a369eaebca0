import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';

import { bindReparentsFunctions, useLeanAsyncResourceBind } from './lean-async-resource-bind';

describe('useLeanAsyncResourceBind', () => {
  const store = new AsyncLocalStorage<string>();

  beforeAll(() => {
    useLeanAsyncResourceBind();
  });

  it('leaves bind making no deprecated accessor, so nothing is re-parented', () => {
    expect(bindReparentsFunctions()).toBe(false);
    const bound = new AsyncResource('Test').bind(() => undefined);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
    expect(useLeanAsyncResourceBind()).toBe(false);
  });

  it('runs the bound function in the async context the resource was made in', () => {
    const resource = store.run('at creation', () => new AsyncResource('Test'));
    const bound = resource.bind(() => store.getStore());
    expect(store.run('at call', () => bound())).toBe('at creation');
    expect(bound()).toBe('at creation');
  });

  it('passes the call site this, the arguments and the answer through, and keeps length', () => {
    const bound = new AsyncResource('Test').bind(function (
      this: { base: number },
      a: number,
      b: number,
    ) {
      return this.base + a * b;
    });
    expect(bound.length).toBe(2);
    expect(bound.call({ base: 1 }, 2, 3)).toBe(7);
  });

  it('calls with the given this when one is bound, whatever the call site passes', () => {
    const self = { name: 'bound' };
    // Node takes a thisArg (since 14.8); @types/node 20 does not declare it.
    const bind = new AsyncResource('Test').bind as (
      fn: (suffix: string) => string,
      thisArg: unknown,
    ) => (suffix: string) => string;
    const bound = bind.call(
      new AsyncResource('Test'),
      function (this: { name: string }, suffix: string) {
        return `${this.name}${suffix}`;
      },
      self,
    );
    expect(bound.call({ name: 'call site' }, '!')).toBe('bound!');
  });

  it('binds through the static AsyncResource.bind as well (Nest, raw-body and on-finished use it)', () => {
    const bound = store.run('outer', () => AsyncResource.bind(() => store.getStore()));
    expect(store.run('inner', () => bound())).toBe('outer');
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
  });

  it('rejects what is not a function with the error Node gives', () => {
    let thrown: unknown;
    try {
      new AsyncResource('Test').bind('nope' as unknown as () => void);
    } catch (error) {
      thrown = error;
    }
    // By name: the bind installed first in a Jest worker makes its errors in that test file's realm.
    expect((thrown as Error).name).toBe('TypeError');
    expect((thrown as NodeJS.ErrnoException).code).toBe('ERR_INVALID_ARG_TYPE');
  });
});
