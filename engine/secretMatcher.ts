// Finds every occurrence of many secret values in a text in one linear pass (Aho-Corasick). A single
// regular expression alternating every value made V8's regex compiler run out of memory once the values
// were many or long (a big vars file, a vault plaintext): the process died instead of redacting.

interface Node {
  next: Map<string, Node>;
  fail: Node | undefined;
  /** Length of the longest value ending here, this node's own or one reached by failure links (0: none). */
  longest: number;
}

const node = (): Node => ({ next: new Map(), fail: undefined, longest: 0 });

/** A matcher of `values`: `mask(text, mask)` replaces every maximal run of text covered by some value. */
export class SecretMatcher {
  private readonly root = node();

  constructor(values: Iterable<string>) {
    for (const v of values) {
      if (v === '') continue;
      let n = this.root;
      for (const ch of v) {
        let child = n.next.get(ch);
        if (!child) n.next.set(ch, (child = node()));
        n = child;
      }
      n.longest = Math.max(n.longest, [...v].length);
    }
    // Failure links, breadth first; a node's longest also counts the values its failure chain ends.
    const queue: Node[] = [];
    for (const child of this.root.next.values()) {
      child.fail = this.root;
      queue.push(child);
    }
    for (let i = 0; i < queue.length; i++) {
      const n = queue[i]!;
      for (const [ch, child] of n.next) {
        let f = n.fail;
        while (f && !f.next.has(ch)) f = f.fail;
        child.fail = f ? f.next.get(ch)! : this.root;
        child.longest = Math.max(child.longest, child.fail.longest);
        queue.push(child);
      }
    }
  }

  /** `text` with each run of characters that some value covers replaced by one `mask`. */
  mask(text: string, mask: string): string {
    const chars = [...text];
    // covered[i] > 0: character i lies inside an occurrence (a difference array over the runs).
    const covered = new Int32Array(chars.length + 1);
    let found = false;
    let n = this.root;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i]!;
      while (n !== this.root && !n.next.has(ch)) n = n.fail!;
      n = n.next.get(ch) ?? this.root;
      if (n.longest > 0) {
        covered[i - n.longest + 1]! += 1;
        covered[i + 1]! -= 1;
        found = true;
      }
    }
    if (!found) return text;
    let out = '';
    let depth = 0;
    for (let i = 0; i < chars.length; i++) {
      const before = depth;
      depth += covered[i]!;
      if (depth > 0) {
        if (before === 0) out += mask;
      } else out += chars[i];
    }
    return out;
  }
}
