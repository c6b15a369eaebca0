import { useLeanAsyncResourceBind } from './lean-async-resource-bind';

/**
 * Runs an app's entry point; any boot failure is printed and exits non-zero so supervisors notice.
 * Every app makes gRPC calls, so each binds async resources the cheap way first.
 */
export function runMain(start: () => Promise<unknown>): void {
  useLeanAsyncResourceBind();
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
