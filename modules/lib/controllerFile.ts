// The controller-file reader lives in the engine (every user-named input file goes through it); modules use it from here.
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
