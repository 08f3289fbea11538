// Name rules shared by the constructs. Each returns why a name is invalid, or undefined.

/** JetStream asset names (streams, durable consumers), nack.md §5: server `isValidAssetName`, max 255. */
export const JETSTREAM_NAME_RULE = 'a non-empty name of at most 255 characters without whitespace, ".", "*", ">", "/" or "\\"';

export function jetStreamNameError(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 255) return 'it is longer than 255 characters';
  const bad = /[\s.*>/\\]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}`;
  return undefined;
}

/** Kubernetes object names (RFC 1123 subdomain, at most 253 characters). */
export const KUBERNETES_NAME_RULE = 'lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';

export function kubernetesNameError(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 253) return 'it is longer than 253 characters';
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) return 'it is not a lowercase RFC 1123 name';
  return undefined;
}

/** Turns a JetStream name into a valid Kubernetes object name, e.g. `ORDERS_v2` -> `orders-v2`. */
export function toKubernetesName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 253);
}
