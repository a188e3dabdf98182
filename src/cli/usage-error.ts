/**
 * A bad command line or an input past a documented limit: the CLI prints the message with a hint
 * and exits with `EXIT_CODES.USAGE`. Commands throw it; only `runCli` catches it.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
