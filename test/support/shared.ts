// Where the read-only ground truth lives (CRDs, chart values, KEDA parameters): never copied into the repo.
// CI and the README point OVERMIND_SHARED_DIR at ../shared; a test that needs a file and cannot find it
// skips with a notice saying what is missing and how to provide it.
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function sharedDir(): string {
  return path.resolve(REPO_ROOT, process.env.OVERMIND_SHARED_DIR ?? '../shared');
}

export function crdsDir(): string {
  return path.resolve(REPO_ROOT, process.env.OVERMIND_CRDS_DIR ?? path.join(sharedDir(), 'crds'));
}

/** Absolute path of a shared file, or undefined (with a loud notice) when it is absent. */
export function sharedFile(relative: string): string | undefined {
  const file = relative.startsWith('crds/') ? path.join(crdsDir(), relative.slice('crds/'.length)) : path.join(sharedDir(), relative);
  if (fs.existsSync(file)) return file;
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED: ${file} not found. Tests that need it are skipped. Set OVERMIND_SHARED_DIR to the shared/ folder ` +
      '(CI always has it at ../shared).',
  );
  return undefined;
}

/** `describe` when every shared file exists, `describe.skip` (with a notice) otherwise. */
export function describeWithShared(files: string[]): jest.Describe {
  return files.every((f) => sharedFile(f) !== undefined) ? describe : describe.skip;
}
