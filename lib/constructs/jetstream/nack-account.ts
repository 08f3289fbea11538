import { Construct } from 'constructs';
import { Account } from '../../../imports/jetstream.nats.io';
import { NatsHelmValues } from '../nats/nats-helm-values';

/** `metadata.name` of the environment's Account (no dots: `spec.account` must match ^[^.*>]*$ in nack-crds.yaml). */
export const NACK_ACCOUNT_NAME = 'nats';

/** Key of the CA certificate in the CA Secret, as the NATS chart's `tlsCA` reads it (nats-helm-values.ts). */
export const CA_SECRET_KEY = 'ca.crt';

export interface NackAccountProps {
  /** @default NACK_ACCOUNT_NAME */
  readonly name?: string;
  /** The environment's NATS: client URL, token Secret and TLS Secrets. */
  readonly nats: NatsHelmValues;
}

/**
 * A NACK `jetstream.nats.io/v1beta2` Account: the connection profile NACK uses for every Stream
 * and Consumer that names it in `spec.account`. Our NATS requires a client token, and the NACK
 * controller's own flags have no token option, so without an Account NACK could not log in.
 *
 * How NACK v0.22.4 in control-loop mode resolves it (nats-io/nack v0.22.4
 * internal/controller/jetstream_controller.go `natsConfigFromOpts`):
 * - the Account is read by `spec.account` **in the namespace of the Stream or Consumer** (:156-165),
 *   so it must sit in the environment's namespace;
 * - `spec.servers` becomes the server URL (:168-170);
 * - `spec.token.secret.name` / `spec.token.token` name a Secret in the same namespace and the key
 *   holding the token (:365-381): the same `nats-auth` Secret the servers read;
 * - `spec.tls.secret.name` / `spec.tls.ca` name a Secret and the key of the root CA, written to a
 *   file NACK trusts (:175-220, the `RootCAs` case at :204-206);
 * - the Account overlays the controller's global flags, the CR's own connection fields overlay it (:383-387).
 * Legacy mode reads Accounts only with `--crd-connect` (controllers/jetstream/controller.go:494);
 * we run the control loop (lib/constructs/jetstream/nack-helm-values.ts).
 *
 * Never holds secret material: only the names of Secrets created outside git.
 */
export class NackAccount extends Construct {
  /** `metadata.name`, what Streams and Consumers put in `spec.account`. */
  public readonly name: string;
  public readonly resource: Account;

  constructor(scope: Construct, id: string, props: NackAccountProps) {
    super(scope, id);
    const nats = props.nats;
    this.name = props.name ?? NACK_ACCOUNT_NAME;
    const tls = nats.model.tls;
    this.resource = new Account(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        servers: [nats.clientUrl],
        token: { secret: { name: nats.tokenSecret.name }, token: nats.tokenSecret.key },
        // With client TLS on, NACK must trust the CA that signed the servers' client certificate.
        tls: tls ? { secret: { name: tls.caSecretName }, ca: CA_SECRET_KEY } : undefined,
      },
    });
  }
}
