// Finds every occurrence of many byte strings at once (the values px masks and scans for), in one
// pass over the bytes whatever their number: an Aho–Corasick automaton. 1,000 values cost about
// what 10 do, where comparing each candidate byte with each value grew with their number.
// Hand-rolled: the automaton must work on bytes, keep its state across chunks and say how many
// bytes a later match could still start in, which no maintained package offers.

/** States whose transitions are a full 256-entry row: the root and the states nearest it, where
 *  ordinary text spends nearly all its time. Deeper states keep only their own edges. */
const DENSE_STATE_LIMIT = 2048;
const ROOT = 0;
const NONE = -1;

export const START_STATE = ROOT;

export class ValueMatcher {
  /** The number of distinct non-empty patterns (equal ones share one). */
  readonly size: number;
  /** Length in bytes of the longest pattern; 0 when there are none. */
  readonly longest: number;
  private readonly denseStates: number;
  /** Rows of 256 next states for the first `denseStates` states (breadth-first order, so the
   *  shallow ones). An entry is `~state` when that state ends a match or is not dense: the scan
   *  loop then takes its slow path, and stays on one table read per byte otherwise. */
  private readonly dense: Int32Array;
  private readonly fail: Int32Array;
  /** Each state's children as a list: first child, next sibling, and the byte leading to it. */
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly byteTo: Uint8Array;
  /** Length of the longest pattern ending in this state (itself or a suffix of it); 0 for none. */
  private readonly longestEnding: Int32Array;
  /** Depth of the deepest state of this state's suffix chain that can still grow: how many of
   *  the last bytes a match that has not ended yet may have begun in. */
  private readonly openDepth: Int32Array;
  /** Indices of the patterns this state spells (first, then chained); NONE for none. */
  private readonly firstPattern: Int32Array;
  private readonly nextPattern: Int32Array;
  /** Nearest proper suffix state that spells a pattern; NONE for none. */
  private readonly outputLink: Int32Array;
  /** First byte pairs of the patterns (pair = byte << 8 | next byte), when none is shorter
   *  than two bytes: from the root, a position whose pair is not one cannot begin a match. */
  private readonly startPairs: Uint8Array | null;

  /** Empty patterns are ignored; equal patterns are reported under each of their indices. */
  constructor(patterns: readonly Uint8Array[]) {
    let total = 1;
    for (const pattern of patterns) total += pattern.length;
    // The trie, in insertion order; renumbered breadth-first below.
    const firstChild = new Int32Array(total).fill(NONE);
    const nextSibling = new Int32Array(total).fill(NONE);
    const byteTo = new Uint8Array(total);
    const depth = new Int32Array(total);
    const firstPattern = new Int32Array(total).fill(NONE);
    const rootChild = new Int32Array(256).fill(NONE);
    this.nextPattern = new Int32Array(patterns.length).fill(NONE);
    let count = 1;
    let longest = 0;
    let distinct = 0;
    let shortest = Number.POSITIVE_INFINITY;
    const startPairs = new Uint8Array(65536);
    for (let index = 0; index < patterns.length; index++) {
      const pattern = patterns[index];
      if (pattern.length === 0) continue;
      longest = Math.max(longest, pattern.length);
      shortest = Math.min(shortest, pattern.length);
      if (pattern.length >= 2) startPairs[(pattern[0] << 8) | pattern[1]] = 1;
      let state = ROOT;
      for (let i = 0; i < pattern.length; i++) {
        const byte = pattern[i];
        let next = state === ROOT ? rootChild[byte] : firstChild[state];
        if (state !== ROOT) while (next !== NONE && byteTo[next] !== byte) next = nextSibling[next];
        if (next === NONE) {
          next = count++;
          byteTo[next] = byte;
          depth[next] = depth[state] + 1;
          nextSibling[next] = firstChild[state];
          firstChild[state] = next;
          if (state === ROOT) rootChild[byte] = next;
        }
        state = next;
      }
      if (firstPattern[state] === NONE) distinct++;
      this.nextPattern[index] = firstPattern[state];
      firstPattern[state] = index;
    }

    // Breadth-first order: a state's failure is shallower, so it always comes before it.
    const order = new Int32Array(count);
    const rank = new Int32Array(count);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      for (let c = firstChild[order[head]]; c !== NONE; c = nextSibling[c]) {
        rank[c] = tail;
        order[tail++] = c;
      }
    }
    const renumber = (link: number): number => (link === NONE ? NONE : rank[link]);
    this.size = distinct;
    this.longest = longest;
    this.startPairs = shortest >= 2 ? startPairs : null;
    this.denseStates = Math.min(count, DENSE_STATE_LIMIT);
    this.firstChild = new Int32Array(count);
    this.nextSibling = new Int32Array(count);
    this.byteTo = new Uint8Array(count);
    this.firstPattern = new Int32Array(count);
    for (let s = 0; s < count; s++) {
      const old = order[s];
      this.firstChild[s] = renumber(firstChild[old]);
      this.nextSibling[s] = renumber(nextSibling[old]);
      this.byteTo[s] = byteTo[old];
      this.firstPattern[s] = firstPattern[old];
    }

    this.fail = new Int32Array(count);
    this.longestEnding = new Int32Array(count);
    this.openDepth = new Int32Array(count);
    this.outputLink = new Int32Array(count).fill(NONE);
    this.dense = new Int32Array(this.denseStates * 256);
    for (let s = 0; s < count; s++) {
      const failure = this.fail[s];
      const row = s * 256;
      // Bytes without an edge go where the failure goes; the root stays at the root.
      if (s !== ROOT && s < this.denseStates) this.dense.copyWithin(row, failure * 256, failure * 256 + 256);
      for (let c = this.firstChild[s]; c !== NONE; c = this.nextSibling[c]) {
        // The child's failure is where this state's failure goes on the same byte; it is
        // shallower than the child, so its own links are known already.
        const f = s === ROOT ? ROOT : this.step(failure, this.byteTo[c]);
        this.fail[c] = f;
        this.outputLink[c] = this.firstPattern[f] !== NONE ? f : this.outputLink[f];
        this.longestEnding[c] = this.firstPattern[c] !== NONE ? depth[order[c]] : this.longestEnding[f];
        this.openDepth[c] = this.firstChild[c] !== NONE ? depth[order[c]] : this.openDepth[f];
        // `~c` sends the scan loop to its slow path: a match ends at c, or c has no dense row.
        if (s < this.denseStates) this.dense[row + this.byteTo[c]] = c >= this.denseStates || this.longestEnding[c] !== 0 ? ~c : c;
      }
    }
  }

  /** The state after reading `byte` in `state`. */
  step(state: number, byte: number): number {
    let s = state;
    while (s >= this.denseStates) {
      for (let c = this.firstChild[s]; c !== NONE; c = this.nextSibling[c]) {
        if (this.byteTo[c] === byte) return c;
      }
      s = this.fail[s];
    }
    const target = this.dense[s * 256 + byte];
    return target < 0 ? ~target : target;
  }

  /**
   * Reads `bytes` from `state`, calling `onMatch(start, end)` (offsets into `bytes`; `start` is
   * negative for a match that began in earlier bytes) with the longest match ending at each
   * offset, and the state there. Returns the state to go on from.
   */
  scan(bytes: Uint8Array, state: number, onMatch: (start: number, end: number, state: number) => void): number {
    const { dense, denseStates, longestEnding, startPairs } = this;
    const last = bytes.length - 1;
    let s = state;
    for (let i = 0; i < bytes.length; i++) {
      // At the root, skip to the next position whose byte pair starts a pattern: the bytes
      // skipped cannot begin a match, and (their pair starting none) leave no state that the
      // next byte could extend. A tight loop without the state's dependency chain: most bytes of
      // ordinary output are decided here.
      if (s === ROOT && startPairs !== null) while (i < last && startPairs[(bytes[i] << 8) | bytes[i + 1]] === 0) i++;
      if (s < denseStates) {
        const target = dense[(s << 8) | bytes[i]];
        if (target >= 0) {
          s = target;
          continue;
        }
        s = ~target;
      } else s = this.step(s, bytes[i]);
      const length = longestEnding[s];
      if (length !== 0) onMatch(i + 1 - length, i + 1, s);
    }
    return s;
  }

  /**
   * Calls `onMatch(patternIndex, start, end)` for every occurrence of every pattern in `bytes`,
   * read from `state` (offsets as in `scan`). Returns the state to go on from.
   */
  findAll(bytes: Uint8Array, state: number, onMatch: (pattern: number, start: number, end: number) => void): number {
    return this.scan(bytes, state, (_start, end, at) => {
      // `scan` reports the longest match; the others ending here are on the output links.
      for (let hit = this.firstPattern[at] !== NONE ? at : this.outputLink[at]; hit !== NONE; hit = this.outputLink[hit]) {
        const length = this.longestEnding[hit];
        for (let p = this.firstPattern[hit]; p !== NONE; p = this.nextPattern[p]) onMatch(p, end - length, end);
      }
    });
  }

  /** How many of the last bytes read into `state` may still begin a match. */
  pending(state: number): number {
    return this.openDepth[state];
  }
}
