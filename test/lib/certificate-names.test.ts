// Certificate name matching as Go's crypto/x509 VerifyHostname does it (KEDA and the NATS exporter
// are Go clients): exact names case-insensitively, a wildcard only as the whole first label, for one label.
import { certificateNameCovers, isCertificateDnsName, uncoveredHosts } from '../../lib/config/certificate-names';

describe('certificateNameCovers', () => {
  test.each<[string, string, boolean]>([
    ['nats-headless.ns.svc.cluster.local', 'nats-headless.ns.svc.cluster.local', true],
    ['NATS-Headless.ns.svc.cluster.local', 'nats-headless.ns.svc.cluster.local', true],
    ['*.nats-headless.ns.svc.cluster.local', 'nats-0.nats-headless.ns.svc.cluster.local', true],
    ['*.nats-headless.ns.svc.cluster.local', 'nats-headless.ns.svc.cluster.local', false], // the wildcard needs a label
    ['*.ns.svc.cluster.local', 'nats-0.nats-headless.ns.svc.cluster.local', false], // one label only
    ['*.svc.cluster.local', 'nats-headless.ns.svc.cluster.local', false],
    ['nats-headless', 'nats-headless.ns.svc.cluster.local', false], // no search-domain expansion
    ['localhost', 'localhost', true],
  ])('%s covers %s: %s', (san, host, covers) => {
    expect(certificateNameCovers(san, host)).toBe(covers);
  });

  test('uncoveredHosts lists the hosts no name covers, in order', () => {
    expect(uncoveredHosts(['*.h.ns', 'h.ns'], ['h.ns', 'a.h.ns', 'b.c.h.ns', 'x.ns'])).toEqual(['b.c.h.ns', 'x.ns']);
  });
});

describe('isCertificateDnsName', () => {
  test.each([['nats.ns.svc'], ['*.nats-headless.ns.svc.cluster.local'], ['localhost']])('accepts %s', (name) => {
    expect(isCertificateDnsName(name)).toBe(true);
  });

  test.each([['nats:8222'], ['https://nats'], ['nats-*.ns'], ['*'], ['a..b'], ['-a.b'], ['a.*.b']])(
    'refuses %s',
    (name) => {
      expect(isCertificateDnsName(name)).toBe(false);
    },
  );
});
