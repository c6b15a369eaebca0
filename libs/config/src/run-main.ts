/** Runs an app's entry point; any boot failure is printed and exits non-zero so supervisors notice. */
export function runMain(start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
