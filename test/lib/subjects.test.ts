import { SubjectIndex, subjectIsSubsetOf, subjectsCollide, subjectSyntaxError } from '../../lib/config/subjects';

/** Reference definition: two subjects overlap when some concrete subject matches both. */
function overlapsByDefinition(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; ; i++) {
    const s = x[i];
    const t = y[i];
    if (s === '>') return t !== undefined;
    if (t === '>') return s !== undefined;
    if (s === undefined || t === undefined) return s === t;
    if (s !== '*' && t !== '*' && s !== t) return false;
  }
}

describe('subject syntax', () => {
  test.each(['routing.>', 'memory.consolidated', 'a.*.c', '>', 'llm.request.*'])('accepts %s', (s) => {
    expect(subjectSyntaxError(s)).toBeUndefined();
  });
  test.each([
    ['', 'empty'],
    ['a..b', 'empty token'],
    ['.a', 'empty token'],
    ['a.>.b', 'last token'],
    ['a.b*', 'whole tokens'],
    ['a b', 'whitespace'],
  ])('refuses %j (%s)', (s, why) => {
    expect(subjectSyntaxError(s)).toContain(why);
  });
});

describe('filter containment', () => {
  test.each([
    ['memory.consolidated', 'memory.>', true],
    ['routing.>', 'routing.>', true],
    ['routing.model.*', 'routing.>', true],
    ['memory.>', 'routing.>', false], // the server's old 10093 case (nack.md §5)
    ['routing', 'routing.>', false], // ">" needs at least one more token
    ['routing.>', 'routing.*', false],
    ['a.*', 'a.b', false],
    ['a.b', 'a.*', true],
  ])('%s inside %s: %s', (inner, outer, expected) => {
    expect(subjectIsSubsetOf(inner, outer)).toBe(expected);
  });
});

describe('SubjectIndex', () => {
  test('finds the overlaps the server rejects with 10065 (tooling.md §2)', () => {
    const index = new SubjectIndex();
    index.add('routing.>', 'routing-decisions');
    expect(index.findOverlaps('routing.model.>')[0]).toEqual({ owner: 'routing-decisions', subject: 'routing.>' });
    expect(index.findOverlaps('routing.>')).toHaveLength(1);
    expect(index.findOverlaps('*.x')).toHaveLength(1);
    expect(index.findOverlaps('memory.>')).toHaveLength(0);
    expect(index.findOverlaps('routing')).toHaveLength(0);
  });

  test('agrees with the definition on every pair of a mixed subject set', () => {
    const tokens = ['a', 'b', '*'];
    const subjects: string[] = [];
    for (const t1 of tokens) {
      subjects.push(t1, `${t1}.>`);
      for (const t2 of tokens) subjects.push(`${t1}.${t2}`, `${t1}.${t2}.>`);
    }
    subjects.push('>');
    let pairs = 0;
    for (const a of subjects) {
      for (const b of subjects) {
        const index = new SubjectIndex();
        index.add(b, 'other');
        expect({ a, b, overlaps: index.findOverlaps(a).length > 0 }).toEqual({
          a,
          b,
          overlaps: overlapsByDefinition(a, b),
        });
        pairs++;
      }
    }
    expect(pairs).toBe(subjects.length ** 2);
  });
});

describe('subjectsCollide (nats-server SubjectsCollide: some subject matches both)', () => {
  test.each([
    ['orders.*', '*.eu', true],
    ['orders.>', 'orders.eu', true],
    ['*.x', '$JS.>', true],
    ['orders', 'orders.>', false],
    ['orders.eu', 'orders.us', false],
    ['a.*.c', 'a.b.*', true],
    ['a.b', 'a.b.c', false],
    ['>', 'a', true],
    ['routing.model.>', 'routing.*.selected', true],
    ['routing.analytics-consumer.>', 'routing.model.>', false],
  ])('%s and %s: %s', (a, b, expected) => {
    expect(subjectsCollide(a, b)).toBe(expected);
    expect(subjectsCollide(b, a)).toBe(expected);
    expect(subjectsCollide(a, b)).toBe(overlapsByDefinition(a, b));
  });
});
