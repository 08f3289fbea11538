// One stream of the config resolved: defaults applied, units parsed, and every rule nats-server (v2.14.2) and NACK
// hold a single stream to checked. Rules across streams are in cross-checks.ts.
import {
  checkInteger,
  checkJetStreamName,
  checkName,
  checkOneOf,
  CheckTarget,
  ifSet,
  literal,
  reject,
  toByteSize,
  toPositiveDuration,
} from './checks';
import { KUBERNETES_NAME_RULES, toKubernetesName } from './names';
import { checkStreamAlerts, rejectPerObjectFor } from './resolve-alerts';
import { subjectIsSubsetOf, subjectsCollide, subjectSyntaxError } from './subjects';
import { DISCARD_POLICIES, RETENTIONS, STORAGE_TYPES, StreamConfig } from './types';
import { ByteSize, Duration, goDuration } from './units';

/** nats-server's hard limit on replicas (`StreamMaxReplicas`, v2.14.2 server/stream.go:706, checked at :1668). */
export const MAX_STREAM_REPLICAS = 5;
/** `JSMaxDescriptionLen`, v2.14.2 server/jetstream_api.go:355 (stream.go:1633, consumer.go:784). */
export const MAX_DESCRIPTION_LENGTH = 4 * 1024;
/** nats-server's default `max_payload` (v2.14.2 server/const.go:94); our chart values do not raise it. */
export const MAX_PAYLOAD = ByteSize.mebibytes(1);
/** The server's default duplicate window (`StreamDefaultDuplicatesWindow`, stream.go:1618). */
const DEFAULT_DUPLICATE_WINDOW = Duration.minutes(2);
const SERVER = 'https://github.com/nats-io/nats-server/blob/v2.14.2/server';
const MINIMUM = `nats-server minimum, error 10052, ${SERVER}/stream.go`;

/**
 * API subjects a stream may capture only with no_ack (stream.go:2139-2155), which this config does not
 * offer; the exceptions are the server's own event subjects.
 */
const API_SUBJECTS = [
  { space: '$JS.>', except: '$JS.EVENT.>' },
  { space: '$JSC.>' },
  { space: '$NRG.>' },
  { space: '$SYS.>', except: '$SYS.ACCOUNT.>' },
];

/** A stream with its defaults applied and its values checked; `maxAge` undefined means no age limit. */
export type ResolvedStream = ReturnType<typeof resolveStream>;

/** `clusterSize`: the JetStream-enabled NATS servers the stream can be placed on (nats.replicas, checked). */
export function resolveStream(environment: string, props: StreamConfig, clusterSize: number) {
  const t: CheckTarget = { scope: environment, resource: `Stream "${props.name}"` };
  const name = checkJetStreamName(t, 'name', props.name);
  const subjects = checkSubjects(t, props.subjects);
  if (props.description !== undefined) checkDescription(t, props.description);
  const retention = checkOneOf(t, 'retention', props.retention ?? 'limits', RETENTIONS);
  const storage = checkOneOf(t, 'storage', props.storage ?? 'file', STORAGE_TYPES);
  const discard = checkOneOf(t, 'discard', props.discard ?? 'old', DISCARD_POLICIES);

  const maxReplicas = Math.min(MAX_STREAM_REPLICAS, clusterSize);
  const replicas = checkInteger(t, 'replicas', props.replicas ?? Math.min(3, clusterSize), {
    min: 1,
    max: maxReplicas,
    example: maxReplicas,
    note:
      ` or fewer: nats-server allows ${MAX_STREAM_REPLICAS} replicas (${SERVER}/stream.go#L1668) and this ` +
      `environment runs ${clusterSize} NATS server(s) (nats.replicas), so a larger value needs more servers`,
  });
  // nats-server refuses a max age under 100ms (stream.go:1707-1708, error 10052).
  const maxAge = ifSet(props.maxAge, (input) =>
    toPositiveDuration(t, 'maxAge', input, { duration: Duration.millis(100), why: `${MINIMUM}#L1708` }, '7d'),
  );
  if (props.maxBytes === undefined) {
    reject(t, 'maxBytes', undefined, {
      allowed: 'a size such as "1GB"',
      fix:
        `write ${literal('maxBytes', '1GB')}: every NATS node reserves it in its file ` +
        `store, which must hold the sum of all streams (nats.fileStorageSize)`,
    });
  }
  const maxBytes = toByteSize(t, 'maxBytes', props.maxBytes);
  if (maxBytes.bytes < 1) {
    // The server reads 0 as "no limit" (stream.go:1686), which the file store sizing cannot plan for.
    reject(t, 'maxBytes', props.maxBytes, {
      allowed: 'at least 1 byte (0 means no limit to nats-server)',
      fix: `write ${literal('maxBytes', '1GB')}`,
    });
  }
  // 0 and negative values mean "no limit" to the server (stream.go:1674-1679): leave the field out for that.
  const maxMsgs = ifSet(props.maxMsgs, (value) =>
    checkInteger(t, 'maxMsgs', value, { min: 1, example: 1000000, note: ', or leave maxMsgs out for no limit' }),
  );
  const duplicateWindow = checkDuplicateWindow(t, props.duplicateWindow, maxAge);
  const maxMsgSize = ifSet(props.maxMsgSize, (input) => checkMaxMsgSize(t, input));
  if (props.allowDirect !== undefined && typeof props.allowDirect !== 'boolean') {
    reject(t, 'allowDirect', props.allowDirect, {
      allowed: 'true or false',
      fix: `write ${literal('allowDirect', true)}`,
    });
  }
  const kubernetesName = checkKubernetesName(t, name, 'Stream', 'orders');
  rejectPerObjectFor(t, props.alerts, 'streams');
  const alerts = checkStreamAlerts(t, 'alerts', props.alerts);
  return {
    name,
    kubernetesName,
    description: props.description,
    subjects,
    retention,
    maxAge,
    maxBytes,
    maxMsgs,
    maxMsgSize,
    storage,
    replicas,
    discard,
    duplicateWindow,
    allowDirect: props.allowDirect === true,
    alerts,
  };
}

/**
 * nats-server: a window of at least 100ms (stream.go:1740) and at most maxAge (stream.go:1733). Unset, the
 * server uses 2 minutes, and NACK's pedantic requests make a shorter maxAge an error instead of a clamp
 * (stream.go:1719-1721, nack.md §5).
 */
function checkDuplicateWindow(
  t: CheckTarget,
  input: StreamConfig['duplicateWindow'],
  maxAge: Duration | undefined,
): Duration | undefined {
  const maxAgeMs = maxAge && maxAge.toMilliseconds() > 0 ? maxAge.toMilliseconds() : undefined;
  const fix = maxAge && `write ${literal('duplicateWindow', goDuration(maxAge))}`;
  if (input === undefined) {
    if (maxAgeMs !== undefined && maxAgeMs < DEFAULT_DUPLICATE_WINDOW.toMilliseconds()) {
      reject(t, 'duplicateWindow', undefined, {
        allowed:
          `a window of at most maxAge (${goDuration(maxAge!)}): unset, nats-server uses 2 ` +
          `minutes, and NACK's pedantic requests make that an error (error 10157, ${SERVER}/stream.go#L1721)`,
        fix: fix!,
      });
    }
    return undefined;
  }
  const minimum = { duration: Duration.millis(100), why: `${MINIMUM}#L1740` };
  const window = toPositiveDuration(t, 'duplicateWindow', input, minimum, '2m');
  if (maxAgeMs !== undefined && window.toMilliseconds() > maxAgeMs) {
    reject(t, 'duplicateWindow', input, {
      allowed: `at most maxAge (${goDuration(maxAge!)}; error 10052, ${SERVER}/stream.go#L1733)`,
      fix: `${fix}, or a longer maxAge`,
    });
  }
  return window;
}

/**
 * At least 1 byte (0 means no limit to the server, stream.go:1692), at most nats-server's max_payload (a
 * larger message is refused at publish, so a larger limit promises what the server will not take), and
 * within the int32 NACK sends (nack.md §1a).
 */
function checkMaxMsgSize(t: CheckTarget, input: NonNullable<StreamConfig['maxMsgSize']>): ByteSize {
  const size = toByteSize(t, 'maxMsgSize', input, '1MB');
  if (size.bytes < 1 || size.bytes > MAX_PAYLOAD.bytes) {
    reject(t, 'maxMsgSize', input, {
      allowed:
        `from 1 byte to ${MAX_PAYLOAD}: nats-server's max_payload, which refuses larger messages at publish ` +
        `(${SERVER}/const.go#L94; the chart values here do not raise it)`,
      fix: `write ${literal('maxMsgSize', '1MB')} or less, or leave maxMsgSize out`,
    });
  }
  return size;
}

/** The Kubernetes object name a JetStream name becomes, held to the rule of its kind. */
export function checkKubernetesName(t: CheckTarget, name: string, kind: 'Stream' | 'Consumer', fallback: string) {
  return checkName(t, 'name (as a Kubernetes name)', toKubernetesName(name), KUBERNETES_NAME_RULES[kind], { fallback });
}

/** `JSMaxDescriptionLen` (jetstream_api.go:355), for streams (stream.go:1633) and consumers (consumer.go:784). */
export function checkDescription(t: CheckTarget, description: string): void {
  if (typeof description !== 'string' || Buffer.byteLength(description) > MAX_DESCRIPTION_LENGTH) {
    reject(t, 'description', typeof description === 'string' ? `${description.slice(0, 40)}...` : description, {
      allowed: `text of at most ${MAX_DESCRIPTION_LENGTH} bytes (${SERVER}/jetstream_api.go#L355)`,
      fix: `write a shorter one, e.g. ${literal('description', 'What the stream carries')}`,
    });
  }
}

function checkSubjects(t: CheckTarget, subjects: string[] | undefined): string[] {
  const application = literal('subjects', ['orders.>']);
  if (!Array.isArray(subjects) || subjects.length === 0) {
    reject(t, 'subjects', subjects, {
      allowed: 'a non-empty list of NATS subjects',
      fix:
        `list the subjects the stream captures, e.g. ${application} ` +
        '(without subjects the server would use the stream name)',
    });
  }
  subjects.forEach((subject, i) => {
    const field = `subjects[${i}]`;
    const why = typeof subject === 'string' ? subjectSyntaxError(subject) : 'it is not a string';
    if (why) {
      const others = subjects.filter((s, j) => j !== i && typeof s === 'string' && !subjectSyntaxError(s));
      const repaired =
        typeof subject === 'string' ? subject.replace(/\s+/g, '').split('.').filter(Boolean).join('.') : '';
      const example = repaired && !subjectSyntaxError(repaired) && repaired !== '>' ? repaired : 'orders.>';
      const corrected = [...others.slice(0, i), example, ...others.slice(i)];
      reject(t, field, subject, {
        allowed:
          'dot-separated tokens without whitespace; "*" for one token; ">" as the last token only ' +
          `(${SERVER}/sublist.go#L1209, error 10052)`,
        fix: `correct the subject (${why}), e.g. ${literal('subjects', corrected)}`,
      });
    }
    if (subject === '>') {
      // stream.go:2132-2139: capturing everything needs no_ack and R1.
      reject(t, field, subject, {
        allowed:
          `a subject narrower than ">" (a stream on ">" needs noAck and R1 and captures ` +
          `its own API traffic; ${SERVER}/stream.go#L2134)`,
        fix: `give the stream a subject prefix, e.g. ${application}`,
      });
    }
    const api = API_SUBJECTS.find(
      ({ space, except }) => subjectsCollide(subject, space) && !(except && subjectIsSubsetOf(subject, except)),
    );
    if (api) {
      reject(t, field, subject, {
        allowed:
          `a subject outside the NATS API subjects ${api.space}: nats-server requires ` +
          `noAck for those, which this config does not offer (error 10052, ${SERVER}/stream.go#L2147)`,
        fix: `use an application subject, e.g. ${application}`,
      });
    }
  });
  return subjects;
}
