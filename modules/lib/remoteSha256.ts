// sha256 on the host: openssl when present (uses the CPU's SHA instructions, ~3x faster), else sha256sum.

/**
 * Shell snippet that sets and exports FP_SHA to a command printing the sha256 of its stdin as the first
 * 64 characters of its output. Use it as `$FP_SHA < file | cut -c1-64` (unquoted: it is two words).
 */
export const SHA256_PROBE =
  "if command -v openssl >/dev/null 2>&1; then FP_SHA='openssl dgst -sha256 -r'; else FP_SHA=sha256sum; fi; export FP_SHA";

/** Shell expression: the sha256 (hex) of `word`, an already-quoted shell word. Needs SHA256_PROBE first. */
export function sha256Of(word: string): string {
  return `$($FP_SHA < ${word} | cut -c1-64)`;
}

/** A lower-case sha256 in hex. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;
