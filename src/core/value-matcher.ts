// Finds every occurrence of many byte strings at once (the values px masks and scans for), in one
// pass over the bytes whatever their number: an Aho–Corasick automaton. 1,000 values cost about
// what 10 do, where comparing each candidate byte with each value grew with their number.
// Hand-rolled: the automaton must work on bytes, keep its state across chunks and say how many
// bytes a later match could still start in, which no maintained package offers.

/** States whose transitions are a full 256-entry row: the root and the states near it, where
 *  ordinary text spends nearly all its time. Deeper states keep only their own edges. */
const DENSE_STATE_LIMIT = 2048;
const ROOT = 0;

export class ValueMatcher {
  /** The number of distinct byte strings (duplicates share one). */
  readonly size: number;
  /** Length in bytes of the longest pattern; 0 when there are none. */
  readonly longest: number;
  private readonly denseStates: number;
  /** Rows of 256 next states for the first `denseStates` states (BFS order). */
  private readonly dense: Int32Array;
  private readonly fail: Int32Array;
  /** Edges of the states past the dense ones: `edgeStart[s]…edgeStart[s + 1]` in edgeByte/edgeTarget. */
  private readonly edgeStart: Int32Array;
  private readonly edgeByte: Uint8Array;
  private readonly edgeTarget: Int32Array;
  /** Length of the longest pattern that ends in this state (itself or a suffix); 0 for none. */
  private readonly longestEnding: Int32Array;
  /** Depth of the deepest state of the suffix chain that can still grow: how far back a match
   *  that has not ended yet may start. */
  private readonly openDepth: Int32Array;
  /** The pattern indices of the pattern spelled by this state (first, then chained), -1 for none. */
  private readonly firstPattern: Int32Array;
  private readonly nextPattern: Int32Array;
  /** Nearest proper suffix state that spells a pattern, -1 for none. */
  private readonly outputLink: Int32Array;

  /** Empty patterns are ignored; equal patterns are found under each of their indices. */
  constructor(patterns: readonly Uint8Array[]) {
    // The trie, built with child lists keyed by state * 256 + byte.
    const child = new Map<number, number>();
    const depthOf: number[] = [0];
    const patternAt: number[] = [-1];
    const nextPattern = new Int32Array(patterns.length).fill(-1);
    let longest = 0;
    let distinct = 0;
    patterns.forEach((pattern, index) => {
      if (pattern.length === 0) return;
      longest = Math.max(longest, pattern.length);
      let state = ROOT;
      for (const byte of pattern) {
        const key = state * 256 + byte;
        let next = child.get(key);
        if (next === undefined) {
          next = depthOf.length;
          depthOf.push(depthOf[state] + 1);
          patternAt.push(-1);
          child.set(key, next);
        }
        state = next;
      }
      if (patternAt[state] === -1) distinct++;
      nextPattern[index] = patternAt[state];
      patternAt[state] = index;
    });
    const count = depthOf.length;
    const childrenOf: Array<Array<[number, number]>> = Array.from({ length: count }, () => []);
    for (const [key, target] of child) childrenOf[Math.floor(key / 256)].push([key % 256, target]);

    // Renumber in breadth-first order, so a state's failure (which is shallower) always comes first.
    const order = new Int32Array(count);
    const rank = new Int32Array(count);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      for (const [, target] of childrenOf[order[head]].sort((a, b) => a[0] - b[0])) {
        rank[target] = tail;
        order[tail++] = target;
      }
    }

    this.size = distinct;
    this.longest = longest;
    this.denseStates = Math.min(count, DENSE_STATE_LIMIT);
    this.dense = new Int32Array(this.denseStates * 256);
    this.fail = new Int32Array(count);
    this.longestEnding = new Int32Array(count);
    this.openDepth = new Int32Array(count);
    this.firstPattern = new Int32Array(count).fill(-1);
    this.nextPattern = nextPattern;
    this.outputLink = new Int32Array(count).fill(-1);
    this.edgeStart = new Int32Array(count + 1);
    let sparseEdges = 0;
    for (let s = this.denseStates; s < count; s++) sparseEdges += childrenOf[order[s]].length;
    this.edgeByte = new Uint8Array(sparseEdges);
    this.edgeTarget = new Int32Array(sparseEdges);

    let edge = 0;
    for (let s = 0; s < count; s++) {
      const old = order[s];
      const depth = depthOf[old];
      const kids = childrenOf[old];
      this.firstPattern[s] = patternAt[old];
      this.edgeStart[s] = edge;
      if (s >= this.denseStates) {
        for (const [byte, target] of kids) {
          this.edgeByte[edge] = byte;
          this.edgeTarget[edge++] = rank[target];
        }
      }
      // Failure of each child: where the parent's failure goes on the same byte.
      for (const [byte, target] of kids) this.fail[rank[target]] = s === ROOT ? ROOT : this.step(this.fail[s], byte);
      const failure = this.fail[s];
      this.outputLink[s] = s === ROOT ? -1 : this.firstPattern[failure] !== -1 ? failure : this.outputLink[failure];
      this.longestEnding[s] = patternAt[old] !== -1 ? depth : s === ROOT ? 0 : this.longestEnding[failure];
      this.openDepth[s] = kids.length > 0 ? depth : s === ROOT ? 0 : this.openDepth[failure];
      if (s < this.denseStates) {
        const row = s * 256;
        // Bytes without an edge go where the failure goes; the root stays at the root.
        if (s === ROOT) this.dense.fill(ROOT, 0, 256);
        else this.dense.copyWithin(row, failure * 256, failure * 256 + 256);
        for (const [byte, target] of kids) this.dense[row + byte] = rank[target];
      }
    }
    this.edgeStart[count] = edge;
  }

  /** The state after reading `byte` in `state`. */
  step(state: number, byte: number): number {
    let s = state;
    while (s >= this.denseStates) {
      for (let e = this.edgeStart[s], end = this.edgeStart[s + 1]; e < end; e++) {
        if (this.edgeByte[e] === byte) return this.edgeTarget[e];
      }
      s = this.fail[s];
    }
    return this.dense[s * 256 + byte];
  }

  /**
   * Reads `bytes` from `state`, calling `onMatch(start, end)` (offsets into `bytes`; `start` may be
   * negative for a match that began in earlier bytes) with the longest match ending at each offset.
   * Returns the state to continue from.
   */
  scan(bytes: Uint8Array, state: number, onMatch: (start: number, end: number) => void): number {
    const { dense, denseStates, longestEnding } = this;
    let s = state;
    for (let i = 0; i < bytes.length; i++) {
      s = s < denseStates ? dense[s * 256 + bytes[i]] : this.step(s, bytes[i]);
      const length = longestEnding[s];
      if (length !== 0) onMatch(i + 1 - length, i + 1);
    }
    return s;
  }

  /** Calls `onMatch(patternIndex, start, end)` for every occurrence of every pattern in `bytes`. */
  findAll(bytes: Uint8Array, onMatch: (pattern: number, start: number, end: number) => void): void {
    const { dense, denseStates, longestEnding } = this;
    let s = ROOT;
    for (let i = 0; i < bytes.length; i++) {
      s = s < denseStates ? dense[s * 256 + bytes[i]] : this.step(s, bytes[i]);
      if (longestEnding[s] === 0) continue;
      for (let hit = this.firstPattern[s] !== -1 ? s : this.outputLink[s]; hit !== -1; hit = this.outputLink[hit]) {
        const length = this.depthOfPatternState(hit);
        for (let p = this.firstPattern[hit]; p !== -1; p = this.nextPattern[p]) onMatch(p, i + 1 - length, i + 1);
      }
    }
  }

  /** How many of the last bytes read into `state` may still begin a match. */
  pending(state: number): number {
    return this.openDepth[state];
  }

  /** A state that spells a pattern: its depth is that pattern's length, its longest ending. */
  private depthOfPatternState(state: number): number {
    return this.longestEnding[state];
  }
}

export const START_STATE = ROOT;
