import { Construct } from 'constructs';
import { Stream, StreamSpecDiscard, StreamSpecRetention, StreamSpecStorage } from '../../../imports/jetstream.nats.io';
import { ResolvedStream } from '../../config/resolve-stream';
import { goDuration } from '../../config/units';

export interface JetStreamStreamProps {
  readonly stream: ResolvedStream;
  /** The NACK Account (nack-account.ts) NACK connects with. @default - none: NACK's global flags, without token */
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
  public readonly model: ResolvedStream;
  /** The NACK Account NACK connects with, if any. */
  public readonly account?: string;
  public readonly resource: Stream;

  constructor(scope: Construct, id: string, props: JetStreamStreamProps) {
    super(scope, id);
    const s = (this.model = props.stream);
    this.account = props.account;
    this.resource = new Stream(this, 'Resource', {
      metadata: { name: s.kubernetesName },
      spec: {
        account: this.account,
        preventDelete: true,
        name: s.name,
        description: s.description,
        subjects: [...s.subjects],
        retention: s.retention as StreamSpecRetention,
        maxAge: s.maxAge ? goDuration(s.maxAge) : '0s',
        maxBytes: s.maxBytes.bytes,
        maxMsgs: s.maxMsgs,
        maxMsgSize: s.maxMsgSize?.bytes,
        storage: s.storage as StreamSpecStorage,
        replicas: s.replicas,
        discard: s.discard as StreamSpecDiscard,
        duplicateWindow: s.duplicateWindow ? goDuration(s.duplicateWindow) : undefined,
        // NACK sends allowDirect only when true (stream_controller.go:484), so false is left out.
        allowDirect: s.allowDirect || undefined,
      },
    });
  }
}
