// kubectl as doctor uses it: only when it is on PATH and a current context is set, only reads, and never a
// command that prints a Secret's data (`get secret -o name` prints "secret/nats-auth" and nothing else).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const KUBECTL_TIMEOUT_MS = 15_000;
/** Passed to every call that reaches the API server, so an unreachable cluster answers within seconds. */
const REQUEST_TIMEOUT = '--request-timeout=5s';

export interface KubectlResult {
  readonly ok: boolean;
  readonly stdout: string;
  /** First line of stderr (or of the spawn error), for findings. */
  readonly error: string;
}

export interface Kubectl {
  /** Where kubectl was found, and its current context. */
  readonly binary: string;
  readonly context: string;
  run(args: readonly string[]): KubectlResult;
}

/** kubectl ready to use, or why not (one line): doctor lists the Kubernetes checks as skipped with it. */
export type KubectlAvailability = { readonly kubectl: Kubectl } | { readonly unavailable: string };

function onPath(name: string, pathVariable: string | undefined): string | undefined {
  for (const dir of (pathVariable ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function runKubectl(binary: string, environment: NodeJS.ProcessEnv, args: readonly string[]): KubectlResult {
  const result = spawnSync(binary, [...args], {
    encoding: 'utf8',
    env: environment,
    timeout: KUBECTL_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const firstLine = (s: string | undefined) => (s ?? '').trim().split('\n')[0] ?? '';
  const error = result.error
    ? firstLine(result.error.message)
    : firstLine(result.stderr) || (result.status !== 0 ? `exit ${result.status}` : '');
  return { ok: !result.error && result.status === 0, stdout: result.stdout ?? '', error };
}

/** kubectl from the environment's PATH, with `kubectl config current-context` set (KUBECONFIG is honoured). */
export function findKubectl(environment: NodeJS.ProcessEnv): KubectlAvailability {
  const binary = onPath('kubectl', environment.PATH);
  if (!binary) return { unavailable: 'kubectl is not on PATH' };
  const context = runKubectl(binary, environment, ['config', 'current-context']);
  if (!context.ok || context.stdout.trim() === '') {
    const why = (context.error || 'empty').replace(/^error: /, '');
    return { unavailable: `kubectl has no current context (${why})` };
  }
  return {
    kubectl: {
      binary,
      context: context.stdout.trim(),
      run: (args) => runKubectl(binary, environment, [...args, REQUEST_TIMEOUT]),
    },
  };
}
