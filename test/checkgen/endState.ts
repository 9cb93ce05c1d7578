// Compares the end state a check run predicted with the real one, both as seen by the observer's
// `stat` loop (a JSON list of {item, stat}): existence, type, mode, sha256 and link target per path.

interface Observed {
  item?: unknown;
  stat?: { exists?: boolean; isdir?: boolean; isreg?: boolean; islnk?: boolean; mode?: string; checksum?: string; lnk_target?: string };
}

/** One path's observed state as a short comparable text; undefined fields are left out. */
export function describeStat(s: Observed['stat']): Record<string, string> {
  if (!s?.exists) return { type: 'absent' };
  const type = s.islnk ? 'link' : s.isdir ? 'directory' : s.isreg ? 'file' : 'other';
  return {
    type,
    ...(type !== 'link' && s.mode ? { mode: s.mode } : {}),
    ...(type === 'file' && s.checksum ? { sha256: s.checksum } : {}),
    ...(type === 'link' && s.lnk_target ? { target: s.lnk_target } : {}),
  };
}

/** How the predicted end state compared with the real one. */
export interface EndStateComparison {
  /** Paths whose predicted type, mode, sha256 or link target differs from the real one. */
  differences: string[];
  /** Files check mode predicted without their content (a download, a command's `creates`): not compared by content. */
  contentNotPredicted: string[];
}

/**
 * Differences between predicted and real observations, one line per path. A file whose content
 * check mode did not predict (no checksum) is listed apart: the prediction is incomplete there.
 */
export function compareEndStates(predictedJson: string, realJson: string): EndStateComparison {
  const parse = (text: string): Map<string, Observed['stat']> => {
    const list = JSON.parse(text) as Observed[];
    return new Map(list.map((o) => [String(o.item), o.stat]));
  };
  const [p, r] = [parse(predictedJson), parse(realJson)];
  const out: EndStateComparison = { differences: [], contentNotPredicted: [] };
  for (const [item, real] of r) {
    const a = describeStat(p.get(item));
    const b = describeStat(real);
    if (a.type === 'file' && b.type === 'file' && a.sha256 === undefined && b.sha256 !== undefined) {
      out.contentNotPredicted.push(item);
      delete b.sha256;
    }
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const differs = [...keys].filter((k) => a[k] !== b[k]);
    if (differs.length) out.differences.push(`${item}: predicted ${JSON.stringify(a)} real ${JSON.stringify(b)}`);
  }
  return out;
}
