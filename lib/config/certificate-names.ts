// Which DNS names a TLS certificate covers, as a Go client (KEDA, the NATS exporter) checks them: crypto/x509
// Certificate.VerifyHostname / matchHostnames. Case-insensitive; a wildcard is allowed only as the whole leftmost label
// and matches exactly one label (`*.a.b` covers `x.a.b`, not `a.b` nor `x.y.a.b`).

/** A SAN as cert-manager and Go accept it: DNS labels, optionally a leading `*.` label. */
export function isCertificateDnsName(name: string): boolean {
  const labels = name.toLowerCase().split('.');
  const wildcard = (label: string, i: number) => i === 0 && label === '*' && labels.length > 1;
  return labels.every((label, i) => wildcard(label, i) || /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(label));
}

/** True when the certificate name `san` covers `host`. */
export function certificateNameCovers(san: string, host: string): boolean {
  const pattern = san.toLowerCase().replace(/\.$/, '');
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!pattern.startsWith('*.')) return pattern === name;
  const hostLabels = name.split('.');
  const patternLabels = pattern.split('.');
  const sameParent = hostLabels.slice(1).join('.') === patternLabels.slice(1).join('.');
  return hostLabels.length === patternLabels.length && sameParent && hostLabels[0] !== '';
}

/** The hosts of `required` no name in `sans` covers. */
export function uncoveredHosts(sans: readonly string[], required: readonly string[]): string[] {
  return required.filter((host) => !sans.some((san) => certificateNameCovers(san, host)));
}
