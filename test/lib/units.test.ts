import { ByteSize, Duration, goDuration, parseDuration, promDuration, wholeSeconds } from '../../lib/config/units';

describe('durations', () => {
  test.each([
    ['7d', '168h'], // Go has no "d" unit: NACK's time.ParseDuration rejects "7d" (nack.md §0.4)
    ['30d', '720h'],
    ['24h', '24h'],
    ['30s', '30s'],
    ['60s', '1m'],
    ['120s', '2m'],
    ['1h30m', '1h30m'],
    ['500ms', '500ms'],
    ['1w', '168h'],
    ['0', '0s'],
  ])('%s renders as the Go duration %s', (input, expected) => {
    expect(goDuration(parseDuration(input)!)).toBe(expected);
  });

  test('Go durations never contain a day unit, even for long cdk8s Durations', () => {
    expect(goDuration(Duration.days(365))).toBe('8760h');
  });

  test.each(['', '7', 'seven days', '7 d', '-5s', '5x', '1.5ms', 'h'])('refuses %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });

  test('Prometheus durations use days and drop zero parts', () => {
    expect(promDuration(parseDuration('36h')!)).toBe('1d12h');
    expect(promDuration(parseDuration('10m')!)).toBe('10m');
  });

  test('KEDA seconds are whole or undefined', () => {
    expect(wholeSeconds(parseDuration('5m')!)).toBe(300);
    expect(wholeSeconds(parseDuration('1500ms')!)).toBeUndefined();
  });
});

describe('sizes (NATS convention: 1GB = 1024^3, as `nats stream add --max-bytes=1GB` sends)', () => {
  test.each([
    ['1GB', 1073741824],
    ['5GB', 5368709120],
    ['500MB', 524288000],
    ['5GiB', 5368709120],
    ['1KB', 1024],
    ['1073741824', 1073741824],
    ['0.5GB', 536870912],
  ])('%s = %d bytes', (input, bytes) => {
    expect(ByteSize.parse(input)!.bytes).toBe(bytes);
  });

  test.each(['1G', '1M', '10k', 'lots', '-1GB', '1.3B', ''])(
    'refuses %j (bare G is 10^9 in nats-server config, tooling.md §1)',
    (input) => {
      expect(ByteSize.parse(input)).toBeUndefined();
    },
  );

  test('quantities use the largest exact binary unit', () => {
    expect(ByteSize.gibibytes(9).toQuantity()).toBe('9Gi');
    expect(ByteSize.mebibytes(8755).toQuantity()).toBe('8755Mi');
    expect(ByteSize.bytes(1000).toQuantity()).toBe('1000');
  });

  test('arithmetic rounds up to whole units', () => {
    expect(ByteSize.gibibytes(1).times(1.1).roundUpTo(ByteSize.gibibytes(1)).toQuantity()).toBe('2Gi');
    expect(ByteSize.mebibytes(500).plus(ByteSize.mebibytes(524)).toQuantity()).toBe('1Gi');
  });
});
