// The one error a live command reports as "could not run" (exit 2), with its one-line reason.

/** The command could not do its work; exit 2 with this one-line reason. */
export class CannotRun extends Error {}
