// Where the read-only ground truth lives (CRDs, chart values, KEDA parameters): never copied into the repo.
// CI and the README point OVERMIND_SHARED_DIR at ../shared; a test that needs a file and cannot find it
// skips with a notice saying what is missing and how to provide it, and fails under CI=true.
import * as fs from 'fs';
import * as path from 'path';
import { describeIfAvailable } from './requirements';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function sharedDir(): string {
  return path.resolve(REPO_ROOT, process.env.OVERMIND_SHARED_DIR ?? '../shared');
}

export function crdsDir(): string {
  return path.resolve(REPO_ROOT, process.env.OVERMIND_CRDS_DIR ?? path.join(sharedDir(), 'crds'));
}

/** Absolute path of a shared file, or undefined when it is absent. */
export function sharedFile(relative: string): string | undefined {
  const file = relative.startsWith('crds/')
    ? path.join(crdsDir(), relative.slice('crds/'.length))
    : path.join(sharedDir(), relative);
  return fs.existsSync(file) ? file : undefined;
}

/** Like sharedFile, but throws when the file is absent (for code that runs only after describeWithShared). */
export function requireSharedFile(relative: string): string {
  const file = sharedFile(relative);
  if (file === undefined) throw new Error(`${relative} not found under ${sharedDir()} (set OVERMIND_SHARED_DIR)`);
  return file;
}

/**
 * `describe` when every shared file exists. Otherwise the tests are skipped with a notice, or,
 * under CI=true, fail (CI always has ../shared).
 */
export function describeWithShared(files: string[]): jest.Describe {
  const missing = files.filter((f) => sharedFile(f) === undefined);
  return describeIfAvailable(
    missing.length === 0
      ? undefined
      : `shared file(s) ${missing.join(', ')} not found under ${sharedDir()}. Set ` +
          `OVERMIND_SHARED_DIR to the shared/ folder ` +
          '(CI always has it at ../shared).',
  );
}
