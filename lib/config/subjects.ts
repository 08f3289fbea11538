// NATS subjects: syntax, overlap between streams and filter containment. nats-server rejects a stream whose subjects
// overlap another stream's (10065, nack.md §5), and since 2.10 silently accepts a consumer filter outside its stream's
// subjects (it then matches nothing), so both are checked here, at synth time.

/**
 * Why a subject is not valid, or undefined when it is. nats-server's IsValidSubject (v2.14.2 server/sublist.go:1209)
 * refuses empty tokens, whitespace and tokens after ">"; it reads a token that mixes "*" or ">" with text (`orders*`)
 * as a literal, which here is refused too, as it is almost always a wildcard written wrong.
 */
export function subjectSyntaxError(subject: string): string | undefined {
  if (subject.length === 0) return 'it is empty';
  if (/\s/.test(subject)) return 'it contains whitespace';
  const tokens = subject.split('.');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === '') return 'it has an empty token (a leading, trailing or double ".")';
    if (token === '>' && i !== tokens.length - 1) return '">" is only allowed as the last token';
    if (token.length > 1 && (token.includes('*') || token.includes('>'))) {
      return `wildcards must be whole tokens, but token "${token}" mixes them with text`;
    }
  }
  return undefined;
}

/**
 * True when some concrete subject matches both (nats-server v2.14.2 `SubjectsCollide`, server/sublist.go:1339),
 * e.g. `orders.*` and `*.eu`, or `orders.>` and `orders.eu`.
 */
export function subjectsCollide(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (i >= x.length || i >= y.length) return false; // ">" needs a token, and literals must be as many
    if (x[i] === '>' || y[i] === '>') return true;
    if (x[i] === '*' || y[i] === '*') continue;
    if (x[i] !== y[i]) return false;
  }
  return true;
}

/** True when `inner` matches only subjects that `outer` also matches. */
export function subjectIsSubsetOf(inner: string, outer: string): boolean {
  const a = inner.split('.');
  const b = outer.split('.');
  for (let i = 0; i < b.length; i++) {
    if (b[i] === '>') return a.length > i; // ">" needs at least one more token
    if (i >= a.length) return false;
    if (a[i] === '>') return false; // inner matches more tokens than outer's literal or "*"
    if (b[i] === '*') continue;
    if (a[i] === '*' || a[i] !== b[i]) return false;
  }
  return a.length === b.length;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Owners of subjects that end at this node. */
  owners: string[];
}

/**
 * Finds overlapping subjects in about O(tokens) per insert instead of comparing all pairs, so checking 1,000 streams
 * stays linear. Two subjects overlap when some concrete subject matches both.
 */
export class SubjectIndex {
  private readonly root: TrieNode = { children: new Map(), owners: [] };

  /** Owners of already indexed subjects that overlap `subject` (first few only). */
  findOverlaps(subject: string, limit = 3): Array<{ owner: string; subject: string }> {
    const found: Array<{ owner: string; subject: string }> = [];
    this.walk(this.root, subject.split('.'), 0, [], found, limit);
    return found;
  }

  add(subject: string, owner: string): void {
    let node = this.root;
    for (const token of subject.split('.')) {
      let next = node.children.get(token);
      if (!next) {
        next = { children: new Map(), owners: [] };
        node.children.set(token, next);
      }
      node = next;
    }
    node.owners.push(owner);
  }

  private walk(
    node: TrieNode,
    tokens: string[],
    i: number,
    path: string[],
    found: Array<{ owner: string; subject: string }>,
    limit: number,
  ): void {
    if (found.length >= limit) return;
    if (i === tokens.length) {
      for (const owner of node.owners) found.push({ owner, subject: path.join('.') });
      return;
    }
    const token = tokens[i];
    if (token === '>') {
      // Every indexed subject that continues from here with at least one token overlaps.
      for (const [childToken, child] of node.children) this.collectAll(child, [...path, childToken], found, limit);
      return;
    }
    // An indexed ">" here matches this token and everything after it.
    const rest = node.children.get('>');
    if (rest) for (const owner of rest.owners) found.push({ owner, subject: [...path, '>'].join('.') });
    if (token === '*') {
      for (const [childToken, child] of node.children) {
        if (childToken !== '>') this.walk(child, tokens, i + 1, [...path, childToken], found, limit);
      }
      return;
    }
    const star = node.children.get('*');
    if (star) this.walk(star, tokens, i + 1, [...path, '*'], found, limit);
    const literal = node.children.get(token);
    if (literal) this.walk(literal, tokens, i + 1, [...path, token], found, limit);
  }

  private collectAll(
    node: TrieNode,
    path: string[],
    found: Array<{ owner: string; subject: string }>,
    limit: number,
  ): void {
    if (found.length >= limit) return;
    for (const owner of node.owners) found.push({ owner, subject: path.join('.') });
    for (const [childToken, child] of node.children) this.collectAll(child, [...path, childToken], found, limit);
  }
}
