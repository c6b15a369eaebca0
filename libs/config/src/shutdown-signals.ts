import { constants } from 'node:os';

/**
 * Ends the process with the code a shell or an init (compose's tini) reports for a process that
 * `signal` ended (143 for SIGTERM), as they report the stops that ran to their end: a stop cut
 * short is no crash. Raising the signal again would lose the logger's last lines.
 */
export function exitAsSignalled(signal: NodeJS.Signals): never {
  return process.exit(128 + constants.signals[signal]);
}
