import { Construct } from 'constructs';
import { Stream, StreamSpecDiscard, StreamSpecRetention, StreamSpecStorage } from '../imports/jetstream.nats.io';
import { checkInteger, checkJetStreamName, checkKubernetesName, checkOneOf, CheckTarget, toByteSize, toPositiveDuration } from './checks';
import { DiscardPolicy, Retention, StorageType, StreamConfig } from './config';
import { fail } from './errors';
import { toKubernetesName } from './names';
import { subjectSyntaxError } from './subjects';
import { ByteSize, Duration, goDuration } from './units';

/** nats-server's hard limit on replicas (`StreamMaxReplicas`, nack.md §5). */
export const MAX_STREAM_REPLICAS = 5;

export interface JetStreamStreamProps extends StreamConfig {
  /** JetStream-enabled NATS servers the stream can be placed on. */
  readonly clusterSize: number;
  /**
   * Name of the NACK Account (lib/nack-account.ts) in the same namespace that NACK connects with.
   * @default - none: NACK would use only its global flags, which carry no token
   */
  readonly account?: string;
}

/**
 * A JetStream stream, rendered as a NACK `jetstream.nats.io/v1beta2` Stream.
 *
 * Emits every field whose CRD default differs from the server's or the spec's: `storage`
 * (the CRD defaults to memory) and `maxAge` (absent, NACK's control loop would create the
 * stream with a 1-year limit), see nack.md §0.
 *
 * Always `preventDelete: true`: when the Stream object goes (`kubectl delete`, a deleted
 * namespace, an Argo CD prune), NACK removes its finalizer without deleting the JetStream stream,
 * so the messages survive (nats-io/nack v0.22.4 internal/controller/stream_controller.go:146-171;
 * legacy mode: controllers/jetstream/stream.go:505). Argo CD's Prune=false/Delete=false only stop Argo CD.
 *
 * @see https://github.com/nats-io/nack/blob/main/docs/api.md
 */
export class JetStreamStream extends Construct {
  public readonly streamName: string;
  public readonly subjects: readonly string[];
  public readonly retention: Retention;
  /** Undefined means no age limit. */
  public readonly maxAge?: Duration;
  public readonly maxBytes: ByteSize;
  public readonly maxMsgs?: number;
  public readonly storage: StorageType;
  public readonly replicas: number;
  public readonly discard: DiscardPolicy;
  public readonly duplicateWindow?: Duration;
  /** The NACK Account NACK connects with, if any. */
  public readonly account?: string;
  public readonly resource: Stream;

  constructor(scope: Construct, id: string, props: JetStreamStreamProps) {
    super(scope, id);
    const t: CheckTarget = { scope: this, resource: `Stream "${props.name}"` };

    this.streamName = checkJetStreamName(t, 'name', props.name);
    this.subjects = checkSubjects(t, props.subjects);
    this.retention = checkOneOf(t, 'retention', props.retention ?? 'limits', ['limits', 'interest', 'workqueue']);
    this.storage = checkOneOf(t, 'storage', props.storage ?? 'file', ['file', 'memory']);
    this.discard = checkOneOf(t, 'discard', props.discard ?? 'old', ['old', 'new']);

    const maxReplicas = Math.min(MAX_STREAM_REPLICAS, props.clusterSize);
    this.replicas = checkInteger(t, 'replicas', props.replicas ?? Math.min(3, props.clusterSize), { min: 1, max: maxReplicas },
      `use at most ${maxReplicas}: nats-server allows ${MAX_STREAM_REPLICAS} replicas and this environment runs ` +
      `${props.clusterSize} NATS server(s) (nats.replicas); lower replicas or raise nats.replicas`);

    if (props.maxAge !== undefined) {
      // nats-server rejects a max age under 100ms (10052, tooling.md §2).
      this.maxAge = toPositiveDuration(t, 'maxAge', props.maxAge, { duration: Duration.millis(100), why: 'nats-server minimum' });
    }
    if (props.maxBytes === undefined) {
      fail(this, {
        resource: t.resource, field: 'maxBytes', value: undefined, allowed: 'a size such as "1GB"',
        fix: 'set maxBytes: every NATS node reserves it in its file store, and the PVC is sized from the sum of all streams',
      });
    }
    this.maxBytes = toByteSize(t, 'maxBytes', props.maxBytes);
    if (this.maxBytes.bytes < 1) {
      fail(this, { resource: t.resource, field: 'maxBytes', value: props.maxBytes, allowed: 'at least 1 byte', fix: 'set a positive size such as "1GB"' });
    }
    if (props.maxMsgs !== undefined) {
      this.maxMsgs = checkInteger(t, 'maxMsgs', props.maxMsgs, { min: 1 }, 'set a positive count, or leave maxMsgs out for no limit');
    }
    if (props.duplicateWindow !== undefined) {
      this.duplicateWindow = toPositiveDuration(t, 'duplicateWindow', props.duplicateWindow, { duration: Duration.millis(100), why: 'nats-server minimum' });
      if (this.maxAge && this.duplicateWindow.toMilliseconds() > this.maxAge.toMilliseconds()) {
        // NACK's control loop sends pedantic requests, and the server then refuses this (nack.md §5).
        fail(this, {
          resource: t.resource, field: 'duplicateWindow', value: props.duplicateWindow,
          allowed: `at most maxAge (${goDuration(this.maxAge)})`, fix: 'shorten duplicateWindow or lengthen maxAge',
        });
      }
    }
    const maxMsgSize = props.maxMsgSize !== undefined ? toByteSize(t, 'maxMsgSize', props.maxMsgSize) : undefined;
    if (maxMsgSize && maxMsgSize.bytes > 2 ** 31 - 1) {
      // NACK casts maxMsgSize to int32 (nack.md §1a).
      fail(this, { resource: t.resource, field: 'maxMsgSize', value: props.maxMsgSize, allowed: 'at most 2147483647 bytes (NACK sends an int32)', fix: 'use a smaller maxMsgSize' });
    }

    const kubernetesName = checkKubernetesName(t, 'name (as a Kubernetes name)', toKubernetesName(this.streamName));
    this.account = props.account;
    this.resource = new Stream(this, 'Resource', {
      metadata: { name: kubernetesName },
      spec: {
        account: this.account,
        preventDelete: true,
        name: this.streamName,
        description: props.description,
        subjects: [...this.subjects],
        retention: this.retention as StreamSpecRetention,
        maxAge: this.maxAge ? goDuration(this.maxAge) : '0s',
        maxBytes: this.maxBytes.bytes,
        maxMsgs: this.maxMsgs,
        maxMsgSize: maxMsgSize?.bytes,
        storage: this.storage as StreamSpecStorage,
        replicas: this.replicas,
        discard: this.discard as StreamSpecDiscard,
        duplicateWindow: this.duplicateWindow ? goDuration(this.duplicateWindow) : undefined,
      },
    });
  }

  /** The Stream object's `metadata.name`. */
  get kubernetesName(): string {
    return this.resource.name;
  }
}

function checkSubjects(t: CheckTarget, subjects: string[] | undefined): string[] {
  if (!subjects || subjects.length === 0) {
    fail(t.scope, {
      resource: t.resource, field: 'subjects', value: subjects, allowed: 'a non-empty list of NATS subjects',
      fix: 'list the subjects the stream captures, e.g. ["orders.>"] (without subjects the server would use the stream name)',
    });
  }
  subjects.forEach((subject, i) => {
    const why = typeof subject === 'string' ? subjectSyntaxError(subject) : 'it is not a string';
    if (why) {
      fail(t.scope, {
        resource: t.resource, field: `subjects[${i}]`, value: subject,
        allowed: 'dot-separated tokens without whitespace; "*" for one token; ">" as the last token only',
        fix: `correct the subject (${why}), e.g. "orders.>"`,
      });
    }
    if (subject === '>') {
      fail(t.scope, {
        resource: t.resource, field: `subjects[${i}]`, value: subject,
        allowed: 'a subject narrower than ">" (a stream on ">" needs noAck and R1 and captures its own API traffic)',
        fix: 'give the stream a subject prefix such as "orders.>"',
      });
    }
  });
  return subjects;
}
