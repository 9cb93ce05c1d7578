// The controller-file reader lives in the engine (every user-named input file goes through it); modules use it from here.
import { inspectControllerFile, type ControllerFileOptions } from '../../engine/controllerFile.ts';
import { FleetError } from '../../engine/errors.ts';

export {
  describeFsError,
  fileTypeName,
  inspectControllerFile,
  MAX_ARCHIVE_BYTES,
  MAX_CONTENT_BYTES,
  readControllerFile,
  type ControllerFileCheck,
  type ControllerFileOptions,
} from '../../engine/controllerFile.ts';

/**
 * Looks at a controller file before anything is read (a stat, no open): throws the FleetError that
 * readControllerFile would for what it refuses (a FIFO, a device, a loop, a missing file), so a probe
 * refuses it before the host is asked. Says whether it is a file or (when allowed) a directory.
 */
export function requireControllerFile(path: string, options: ControllerFileOptions): 'file' | 'directory' {
  const found = inspectControllerFile(path, options);
  if (found.kind === 'refused')
    throw new FleetError(options.kind ?? 'arguments', found.problem, options.location ? { location: options.location } : {});
  return found.kind;
}
