import * as fs from 'fs';
import * as path from 'path';

/**
 * An executable for the tests: `$<envVar>` first, then PATH, then `fallbackDirs` (Debian puts
 * nats-server in /usr/sbin, often not on a non-root PATH). Undefined when absent.
 */
export function findExecutable(name: string, envVar: string, fallbackDirs: string[]): string | undefined {
  const candidates: string[] = [];
  if (process.env[envVar]) candidates.push(process.env[envVar]!);
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(path.join(dir, name));
  for (const dir of fallbackDirs) candidates.push(path.join(dir, name));
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not this one
    }
  }
  return undefined;
}
