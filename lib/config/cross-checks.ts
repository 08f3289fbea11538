// Rules across the objects of one environment, on the resolved model: unique names, subjects no two streams
// share, references to streams and consumers the environment has, and the work-queue rules across the consumers of
// one stream. Each throws a ConfigError for one object; resolve.ts gathers them.
import { literal, reject } from './checks';
import { closestField } from './config-keys';
import { ResolvedConsumer } from './resolve-consumer';
import { ResolvedScaler, scalerResource } from './resolve-scaler';
import { ResolvedStream } from './resolve-stream';
import { SubjectIndex, subjectIsSubsetOf, subjectsCollide } from './subjects';

/** Work-queue rules across the consumers of one stream (nats-server v2.14.2). */
const WQ_SOURCE = 'https://github.com/nats-io/nats-server/blob/v2.14.2/server/consumer.go';

/** The streams seen so far: Kubernetes name to stream name, and every subject. */
export class StreamsSeen {
  readonly names = new Map<string, string>();
  readonly subjects = new SubjectIndex();
}

/**
 * A stream's name must differ from the earlier streams' (also as a Kubernetes name), and its subjects must not
 * overlap theirs: the server refuses that (10065); checked with an index, not all pairs.
 */
export function checkStreamAmongOthers(environment: string, stream: ResolvedStream, seen: StreamsSeen): void {
  const clash = seen.names.get(stream.kubernetesName);
  const t = { scope: environment, resource: `Stream "${stream.name}"` };
  if (clash !== undefined) {
    reject(t, 'name', stream.name, {
      allowed: "a name unique among the environment's streams (also after lowercasing for Kubernetes)",
      fix:
        `rename it, e.g. ${literal('name', uniqueName(stream.name, seen.names))}: ` +
        `stream "${clash}" has the same name`,
    });
  }
  seen.names.set(stream.kubernetesName, stream.name);
  stream.subjects.forEach((subject, j) => {
    const overlap = seen.subjects.findOverlaps(subject, 1)[0];
    if (overlap) {
      const sameStream = overlap.owner === stream.name;
      const other = sameStream ? 'another subject of the same stream' : `stream "${overlap.owner}"`;
      reject(t, `subjects[${j}]`, subject, {
        allowed:
          `subjects that no other stream captures; it overlaps "${overlap.subject}" of ${other} (nats-server refuses ` +
          (sameStream
            ? 'overlapping subjects in one stream, error 10052, ' +
              'https://github.com/nats-io/nats-server/blob/v2.14.2/server/stream.go#L2161)'
            : 'streams whose subjects overlap, error 10065)'),
        fix: sameStream
          ? `keep the broader subject: ${literal('subjects', withoutNarrower(stream.subjects))}`
          : `narrow the subjects so no message subject matches both, e.g. ` +
            `${literal('subjects', [ownSubject(stream.name, seen.subjects)])}`,
      });
    }
    seen.subjects.add(subject, stream.name);
  });
}

/** A consumer's name must differ from the earlier consumers' Kubernetes names. */
export function checkConsumerAmongOthers(environment: string, consumer: ResolvedConsumer, seen: Set<string>): void {
  if (seen.has(consumer.kubernetesName)) {
    reject({ scope: environment, resource: `Consumer "${consumer.name}"` }, 'name', consumer.name, {
      allowed: "a name unique among the environment's consumers (each becomes a Kubernetes object of that name)",
      fix: `rename it, e.g. ${literal('name', uniqueName(consumer.name, seen))}`,
    });
  }
  seen.add(consumer.kubernetesName);
}

/** One ScaledObject per name and per target workload (two HPAs on one workload fight). */
export function checkScalerAmongOthers(environment: string, scaler: ResolvedScaler, seen: Set<string>): void {
  const t = { scope: environment, resource: scalerResource(scaler) };
  if (seen.has(scaler.name)) {
    reject(t, 'name', scaler.name, {
      allowed: 'a ScaledObject name unique in the environment',
      fix: `rename it, e.g. ${literal('name', uniqueName(scaler.name, seen))}`,
    });
  }
  if (seen.has(`target:${scaler.target}`)) {
    reject(t, 'target', scaler.target, {
      allowed: 'one ScaledObject per target workload (two HPAs on one workload fight)',
      fix:
        `remove this scaler or merge it into the other one on "${scaler.target}", or scale another workload, ` +
        `e.g. ${literal('target', `${scaler.target}-2`)}`,
    });
  }
  seen.add(scaler.name);
  seen.add(`target:${scaler.target}`);
}

/**
 * The object a reference names, among the resolved ones; undefined when it names a configured object that failed
 * its own checks (reported there). A name the config does not have fails, listing those it has, with a fix to the
 * closest of `candidates`.
 */
export function resolveReference<T>(
  environment: string,
  reference: { readonly resource: string; readonly field: 'stream' | 'consumer'; readonly value: string },
  resolved: ReadonlyMap<string, T>,
  configured: readonly string[],
  candidates: readonly string[] = configured,
): T | undefined {
  const { resource, field, value } = reference;
  const found = resolved.get(value);
  if (found !== undefined || configured.includes(value)) return found;
  const closest =
    closestField(String(value), candidates) ?? candidates[0] ?? (field === 'stream' ? 'orders' : 'worker');
  return reject({ scope: environment, resource }, field, value, {
    allowed: `one of the environment's ${field}s: ${configured.map((n) => `"${n}"`).join(', ')}`,
    fix: `write ${literal(field, closest)}, or add the ${field} to the config`,
  });
}

/**
 * Work-queue rules across the consumers of one stream, for one of them: with more than one consumer, each needs a
 * filter (10099) and no two filters may match a common subject (10100); nats-server v2.14.2 consumer.go:1148-1173
 * and the clustered pre-check jetstream_cluster.go:9492-9508. One-consumer rules are in resolve-consumer.ts.
 * `consumers`: the stream's consumers in config order.
 */
export function checkWorkQueueConsumer(
  environment: string,
  consumer: ResolvedConsumer,
  consumers: readonly ResolvedConsumer[],
): void {
  const stream = consumer.stream;
  if (stream.retention !== 'workqueue' || consumers.length < 2) return;
  const others = consumers.filter((c) => c !== consumer);
  const t = { scope: environment, resource: `Consumer "${consumer.name}" (stream "${stream.name}")` };
  // A filter of its own when one is free; otherwise the other consumers' filters cover the stream and must narrow too.
  const ownFilter = partitionFilter(stream, consumer.name, others);
  const othersQuoted = others.map((c) => `"${c.name}"`).join(', ');
  const othersNamed = others.map((c) => `Consumer "${c.name}"`).join(', ');
  const example = partitionFilter(stream, consumer.name, []) ?? stream.subjects[0];
  const fix =
    ownFilter !== undefined
      ? `give it its own subjects, e.g. ${literal('filterSubjects', [ownFilter])}`
      : `narrow the filters of ${othersNamed} so each consumer has its own ` +
        `subjects, e.g. ${literal('filterSubjects', [example])} here`;
  if (consumer.filterSubjects.length === 0) {
    reject(t, 'filterSubjects', undefined, {
      allowed:
        `a filter on a workqueue stream with other consumers (${othersQuoted}): ` +
        `an unfiltered consumer takes every message (server error 10099, ${WQ_SOURCE}#L1152)`,
      fix,
    });
  }
  for (const other of consumers.slice(0, consumers.indexOf(consumer))) {
    for (const filter of consumer.filterSubjects) {
      const clash = other.filterSubjects.find((f) => subjectsCollide(filter, f));
      if (clash === undefined) continue;
      reject(t, `filterSubjects[${consumer.filterSubjects.indexOf(filter)}]`, filter, {
        allowed:
          `a filter no other consumer of the workqueue stream matches; "${filter}" and "${clash}" of Consumer ` +
          `"${other.name}" match common subjects, and each message goes to one ` +
          `consumer (server error 10100, ${WQ_SOURCE}#L1171)`,
        fix,
      });
    }
  }
}

/** `name-2`, `name-3`, ... : the first not yet taken, for a fix's example. */
function uniqueName(name: string, taken: ReadonlySet<string> | ReadonlyMap<string, unknown>): string {
  for (let n = 2; ; n++) {
    if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
  }
}

/** A stream's subjects without those another of its subjects already covers. */
function withoutNarrower(subjects: readonly string[]): string[] {
  return subjects.filter(
    (s, i) =>
      subjects.indexOf(s) === i && !subjects.some((other, j) => j !== i && other !== s && subjectIsSubsetOf(s, other)),
  );
}

/** `<stream name>.>` as a subject prefix of its own, for a fix's example, unless another stream has it. */
function ownSubject(streamName: string, index: SubjectIndex): string {
  const token = streamName.replace(/[^A-Za-z0-9_-]+/g, '-') || 'stream';
  for (let n = 1; ; n++) {
    const subject = n === 1 ? `${token}.>` : `${token}${n}.>`;
    if (index.findOverlaps(subject, 1).length === 0) return subject;
  }
}

/**
 * A filter for one consumer of a workqueue stream that no other consumer's filter matches: the stream's
 * first subject with the consumer's name in place of its wildcard tail, e.g. `llm.metrics-consumer.>`.
 */
function partitionFilter(
  stream: ResolvedStream,
  consumerName: string,
  others: readonly ResolvedConsumer[],
): string | undefined {
  const free = (candidate: string) => !others.some((c) => c.filterSubjects.some((f) => subjectsCollide(candidate, f)));
  const token = consumerName.replace(/[^A-Za-z0-9_-]+/g, '-') || 'consumer';
  for (const subject of stream.subjects) {
    if (!subject.endsWith('>')) {
      if (free(subject)) return subject;
      continue;
    }
    const base = subject.slice(0, -1);
    for (let n = 1; n < 100; n++) {
      const candidate = `${base}${n === 1 ? token : `${token}${n}`}.>`;
      if (free(candidate)) return candidate;
    }
  }
  return undefined;
}
