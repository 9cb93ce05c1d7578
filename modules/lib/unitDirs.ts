// Where systemd looks for unit files and mask links (read by probe, predict and apply).

/** Directories where a `/dev/null` link masks a unit (persistent, then runtime). */
export const MASK_DIRS = ['/etc/systemd/system', '/run/systemd/system'] as const;

/** The system unit search path, highest priority first. */
export const UNIT_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
] as const;
