// Checks a composed YAML document before it becomes plain data: duplicate keys, and aliases that are
// unresolved, point into their own anchor, or expand into an enormous tree (a "billion laughs" file).
import { isAlias, isCollection, isPair, isScalar, type Document, type Node } from 'yaml';

/** One structural problem, at a character offset of the source. */
export interface StructureProblem {
  offset: number;
  message: string;
}

/** Nodes that aliases may add to the document, summed over every alias (each counted at its full size). */
export const MAX_ALIAS_EXPANSION = 100_000;

/** The first structural problem of `doc`, or undefined; runs in time linear in the size of the source. */
export function findStructureProblem(doc: Document): StructureProblem | undefined {
  const check = new StructureCheck();
  try {
    check.size(doc.contents as Node | null);
    return undefined;
  } catch (err) {
    if (err instanceof ProblemFound) return err.problem;
    throw err;
  }
}

class ProblemFound extends Error {
  constructor(readonly problem: StructureProblem) {
    super(problem.message);
  }
}

class StructureCheck {
  // Anchor name → size of its (finished) node, or undefined while the node is still being walked.
  private readonly anchors = new Map<string, number | undefined>();
  // Anchors of mappings and lists, which cannot be keys.
  private readonly collections = new Set<string>();
  private expanded = 0;

  /** Size of `node` with aliases expanded; anchors are recorded once their node is complete. */
  size(node: unknown): number {
    if (node === null || node === undefined) return 1;
    if (isAlias(node)) return this.alias(node.source, node.range?.[0] ?? 0);
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor !== undefined) {
      this.anchors.set(anchor, undefined);
      if (isCollection(node)) this.collections.add(anchor);
      else this.collections.delete(anchor);
    }
    let total = 1;
    if (isCollection(node)) {
      const keys = new Set<string>();
      for (const item of node.items) {
        if (isPair(item)) {
          this.checkKey(item.key);
          this.checkDuplicate(keys, item.key);
          total += this.size(item.key) + this.size(item.value);
        } else {
          total += this.size(item);
        }
      }
    }
    if (anchor !== undefined) this.anchors.set(anchor, total);
    return total;
  }

  private alias(name: string, offset: number): number {
    if (!this.anchors.has(name)) throw new ProblemFound({ offset, message: `alias *${name} has no anchor &${name} before it` });
    const size = this.anchors.get(name);
    if (size === undefined) throw new ProblemFound({ offset, message: `alias *${name} refers to its own anchor (a recursive structure)` });
    this.expanded += size;
    if (this.expanded > MAX_ALIAS_EXPANSION) {
      throw new ProblemFound({
        offset,
        message: `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (a "billion laughs" document?)`,
      });
    }
    return size;
  }

  // PyYAML refuses a mapping or list as a key ("found unhashable key"); the yaml package would turn it into
  // a string, with a warning on stderr and a cost that grows with the square of the nesting.
  private checkKey(key: unknown): void {
    const collection = isCollection(key) || (isAlias(key) && this.collections.has(key.source));
    if (collection)
      throw new ProblemFound({
        offset: (key as Node).range?.[0] ?? 0,
        message: 'a mapping or list cannot be a key (found unhashable key)',
      });
  }

  // Scalar keys compare by type and value, as the yaml package's uniqueKeys did, but with a Set per mapping
  // instead of a scan of the keys so far (which made a mapping of n keys cost n² comparisons).
  private checkDuplicate(keys: Set<string>, key: unknown): void {
    if (!isScalar(key)) return;
    const value = key.value;
    const id = `${typeof value}:${String(value)}`;
    if (keys.has(id)) throw new ProblemFound({ offset: (key as Node).range?.[0] ?? 0, message: 'Map keys must be unique' });
    keys.add(id);
  }
}
