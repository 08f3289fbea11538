// Name rules of the systems that read our output, one per kind of name. Each rule says why a name breaks it (undefined
// when it is valid), what is allowed, and where the rule comes from.
//
// Kubernetes: k8s.io/apimachinery v0.31.9 pkg/util/validation/validation.go (the version of kubectl v1.31 that npm run
// install-helm brings): IsQualifiedName :42 (label keys), IsValidLabelValue :166, IsDNS1123Label :187,
// IsDNS1123Subdomain :214, IsDNS1035Label :235. Which kind uses which: pkg/api/validation/generic.go:63 (Namespace:
// DNS-1123 label); Service names are DNS-1035 labels (kubernetes pkg/apis/core/validation ValidateServiceName); most
// other objects, and every custom resource, are DNS-1123 subdomains.

/** One name rule: `error` says why a name breaks it, or undefined when it is valid. */
export interface NameRule {
  /** What is allowed, for the error's "Allowed:". */
  readonly allowed: string;
  readonly error: (name: string) => string | undefined;
}

const K8S_VALIDATION = 'https://github.com/kubernetes/apimachinery/blob/v0.31.9/pkg/util/validation/validation.go';
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

function tooLong(name: string, max: number): string | undefined {
  return name.length > max ? `it is ${name.length} characters long, more than ${max}` : undefined;
}

function patternError(name: string, pattern: RegExp, what: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  return pattern.test(name) ? undefined : `it is not ${what}`;
}

/** Namespaces and other DNS-1123 labels: at most 63 characters, no dots (validation.go:187). */
export const DNS1123_LABEL_RULE: NameRule = {
  allowed:
    `a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit, ` +
    `at most 63 characters, no dots (${K8S_VALIDATION}#L187)`,
  error: (name) =>
    patternError(name, DNS1123_LABEL, 'a DNS-1123 label (lowercase letters, digits, "-"; no dots)') ??
    tooLong(name, 63),
};

/** Most object names, and every custom resource's: at most 253 characters (validation.go:214). */
export const DNS1123_SUBDOMAIN_RULE: NameRule = {
  allowed:
    'a DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and "-", each starting and ' +
    `ending with a letter or digit, at most 253 characters (${K8S_VALIDATION}#L214)`,
  error: (name) =>
    patternError(name, DNS1123_SUBDOMAIN, 'a DNS-1123 subdomain (lowercase letters, digits, "-" and ".")') ??
    tooLong(name, 253),
};

/** Service names: a DNS-1035 label, which must start with a letter (validation.go:235). */
export const DNS1035_LABEL_RULE: NameRule = {
  allowed:
    'a DNS-1035 label (Service names): lowercase letters, digits and "-", starting with a letter, ending ' +
    `with a letter or digit, at most 63 characters (${K8S_VALIDATION}#L235)`,
  error: (name) =>
    patternError(name, DNS1035_LABEL, 'a DNS-1035 label (starts with a letter; lowercase letters, digits, "-")') ??
    tooLong(name, 63),
};

/** Label values: empty, or at most 63 characters of letters, digits, "-", "_", "." (validation.go:166). */
export const LABEL_VALUE_RULE: NameRule = {
  allowed:
    'a label value: empty, or letters, digits, "-", "_" and ".", starting and ending with a letter or digit, ' +
    `at most 63 characters (${K8S_VALIDATION}#L166)`,
  error: (value) => {
    if (typeof value !== 'string') return 'it is not a string';
    if (value === '') return undefined;
    return patternError(value, QUALIFIED_NAME, 'a valid label value') ?? tooLong(value, 63);
  },
};

/** Label keys: an optional DNS-1123 subdomain prefix and "/", then a name of at most 63 (validation.go:42). */
export const LABEL_KEY_RULE: NameRule = {
  allowed:
    'a label key: an optional DNS subdomain prefix and "/", then at most 63 letters, digits, "-", "_" ' +
    `and ".", starting and ending with a letter or digit, e.g. "app.kubernetes.io/name" (${K8S_VALIDATION}#L42)`,
  error: (key) => {
    const parts = key.split('/');
    if (parts.length > 2) return 'it has more than one "/"';
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined) {
      const why = DNS1123_SUBDOMAIN_RULE.error(prefix);
      if (why) return `its prefix "${prefix}" is not a DNS subdomain (${why})`;
    }
    return patternError(name, QUALIFIED_NAME, 'a valid label name') ?? tooLong(name, 63);
  },
};

/**
 * Helm release names: `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, at most 53
 * characters (helm v3 pkg/chartutil/validate_name.go, `maxReleaseNameLen`).
 */
export const HELM_RELEASE_NAME_RULE: NameRule = {
  allowed:
    'a Helm release name: lowercase letters, digits, "-" and ".", at most 53 characters ' +
    '(https://github.com/helm/helm/blob/v3.17.3/pkg/chartutil/validate_name.go)',
  error: (name) =>
    patternError(name, DNS1123_SUBDOMAIN, 'a Helm release name (lowercase letters, digits, "-" and ".")') ??
    tooLong(name, 53),
};

/** A rule with a lower length limit than `base`, for names other systems derive longer names or labels from. */
export function withMaxLength(base: NameRule, max: number, why: string): NameRule {
  return {
    allowed: `${base.allowed}; and at most ${max} characters: ${why}`,
    error: (name) =>
      base.error(name) ??
      (name.length > max ? `it is ${name.length} characters long, more than ${max} (${why})` : undefined),
  };
}

/**
 * A KEDA ScaledObject name: KEDA v2.20.2 refuses one longer than 63 (it is the
 * `scaledobject.keda.sh/name` label value) and one whose HPA name `keda-hpa-<name>` is longer than 63
 * (apis/keda/v1alpha1/scaledobject_webhook.go:203-216, getHpaName :680).
 */
export const SCALED_OBJECT_NAME_RULE = withMaxLength(
  DNS1123_SUBDOMAIN_RULE,
  54,
  'KEDA names the HPA "keda-hpa-<name>" and refuses HPA names over 63 characters ' +
    '(https://github.com/kedacore/keda/blob/v2.20.2/apis/keda/v1alpha1/scaledobject_webhook.go#L203)',
);

/**
 * A StatefulSet name: its pods carry `controller-revision-hash: <name>-<10-character hash>`, a label value
 * of at most 63 characters, so a longer name than 52 creates no pods (kubernetes/kubernetes#64023, open).
 */
export const STATEFUL_SET_NAME_RULE = withMaxLength(
  DNS1035_LABEL_RULE,
  52,
  'its pods get the label controller-revision-hash "<name>-<10-character hash>", at most 63 characters, ' +
    'and no pod is created otherwise (https://github.com/kubernetes/kubernetes/issues/64023)',
);

/** The Kubernetes rule for each kind of object we emit or name in the config. */
export const KUBERNETES_NAME_RULES = {
  Namespace: DNS1123_LABEL_RULE,
  Service: DNS1035_LABEL_RULE,
  StatefulSet: STATEFUL_SET_NAME_RULE,
  Deployment: DNS1123_SUBDOMAIN_RULE,
  Secret: DNS1123_SUBDOMAIN_RULE,
  ConfigMap: DNS1123_SUBDOMAIN_RULE,
  NetworkPolicy: DNS1123_SUBDOMAIN_RULE,
  ServiceMonitor: DNS1123_SUBDOMAIN_RULE,
  PrometheusRule: DNS1123_SUBDOMAIN_RULE,
  ScaledObject: SCALED_OBJECT_NAME_RULE,
  Stream: DNS1123_SUBDOMAIN_RULE,
  Consumer: DNS1123_SUBDOMAIN_RULE,
  Application: DNS1123_SUBDOMAIN_RULE,
  AppProject: DNS1123_SUBDOMAIN_RULE,
} as const;

export type KubernetesKind = keyof typeof KUBERNETES_NAME_RULES;

/** The rule for an emitted object's kind; kinds we do not list are held to the subdomain rule. */
export function nameRuleOfKind(kind: string): NameRule {
  return (KUBERNETES_NAME_RULES as Record<string, NameRule>)[kind] ?? DNS1123_SUBDOMAIN_RULE;
}

// JetStream names, nats-server v2.14.2: server/jetstream.go:2787 isValidAssetName refuses an empty
// name and " \t\r\n\f.*>\\/"; stream.go:1627-1631 and consumer.go:713-716,1213-1216 apply it and
// JSMaxNameLen = 255 (jetstream_api.go:363).
const JETSTREAM_FORBIDDEN = /[ \t\r\n\f.*>/\\]/;
export const JETSTREAM_MAX_NAME_LENGTH = 255;

/** JetStream asset names (streams, durable consumers). */
export const JETSTREAM_NAME_RULE =
  'a non-empty name of at most 255 characters without spaces, tabs, line breaks, ' +
  '".", "*", ">", "/" or "\\" ' +
  '(https://github.com/nats-io/nats-server/blob/v2.14.2/server/jetstream.go#L2787)';

export function jetStreamNameError(name: string): string | undefined {
  if (typeof name !== 'string') return 'it is not a string';
  if (name.length === 0) return 'it is empty';
  if (name.length > JETSTREAM_MAX_NAME_LENGTH) {
    return `it is ${name.length} characters long, more than ${JETSTREAM_MAX_NAME_LENGTH}`;
  }
  const bad = JETSTREAM_FORBIDDEN.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])}`;
  return undefined;
}

/** Turns a JetStream name into a valid Kubernetes object name, e.g. `ORDERS_v2` -> `orders-v2`. */
export function toKubernetesName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 253)
    .replace(/-+$/, '');
}

/** A name close to `name` that `rule` accepts (for a fix's example), or undefined when none is obvious. */
export function suggestName(
  name: string,
  rule: NameRule,
  options: { startWithLetter?: boolean; maxLength?: number } = {},
): string | undefined {
  let candidate = toKubernetesName(typeof name === 'string' ? name : '');
  if (options.startWithLetter) candidate = candidate.replace(/^[^a-z]+/, '');
  if (options.maxLength !== undefined) candidate = candidate.slice(0, options.maxLength).replace(/-+$/, '');
  return candidate !== '' && rule.error(candidate) === undefined ? candidate : undefined;
}
