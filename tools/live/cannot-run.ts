// The one error a live command reports as "could not run" (exit 2), with its one-line reason, and how any error
// becomes such a line.

/** The command could not do its work; exit 2 with this one-line reason. */
export class CannotRun extends Error {}

/** The first line of an error's message: what a finding or a reason shows of it. */
export function firstLine(err: unknown): string {
  return ((err as Error)?.message ?? String(err)).split('\n')[0];
}
