// What get_url's steps hand each other.
import type { PredictedFile, ResultData, Vars } from '../../engine/types.ts';
import type { WantedAttributes } from '../lib/attributes.ts';
import type { ChecksumSpec } from '../lib/download.ts';
import type { GetUrlProbe } from './getUrlProbe.ts';
import type { RequestOptions } from './request.ts';
import type { UrlCheck } from './urlCheck.ts';

/** The task's arguments as the steps use them (checked and parsed at the top of probe). */
export interface GetUrlTask {
  url: string;
  dest: string;
  checksum?: ChecksumSpec;
  fetch: RequestOptions;
  force: boolean;
  /** Where the download is written first (Ansible's tmp_dest); beside dest when absent. */
  tmpDest?: string;
  backup: boolean;
  /** File name taken from the URL ('' when it has none). */
  fileName: string;
  wanted: WantedAttributes;
}

/** Whose hash table (hashCache.ts) a script's output goes into: the host's inventory name and address. */
export interface HashOwner {
  host: string;
  vars: Vars;
}

/** What probe found: a verdict reached before or instead of reading, or the probe's facts. */
export type GetUrlFacts =
  | { kind: 'verdict'; verdict: { kind: 'failed' | 'unknown'; msg: string; data?: ResultData } }
  | {
      kind: 'probed';
      task: GetUrlTask;
      /** The probe's output, in check mode with the state earlier tasks would leave laid over it. */
      probe: GetUrlProbe;
      /** Check mode, a download planned: the URL's answer (a string: why it could not be asked). */
      urlCheck?: UrlCheck | string;
      owner: HashOwner;
    };

/** One planned download. */
export interface DownloadJob {
  url: string;
  /** The resolved file path on the host. */
  path: string;
  tool: 'curl' | 'wget' | '';
  fetch: RequestOptions;
  tmpDest?: string;
  /** Copy an existing dest to `<dest>.<pid>.<time>~` before replacing it (Ansible's backup). */
  backup?: boolean;
  wanted: WantedAttributes;
  expected?: string;
  /** Force without checksum: keep dest when the download turns out identical. */
  compareWithDest: boolean;
}

/** The state check mode records for the file (decide computes it). */
export interface FilePrediction {
  path: string;
  state: PredictedFile;
}

/** A change: set the attributes of dest, or download it. */
export type GetUrlChange =
  | { kind: 'attributes'; path: string; wanted: WantedAttributes; msg: string; data: ResultData; prediction?: FilePrediction }
  | { kind: 'download'; job: DownloadJob; data: ResultData; owner: HashOwner; prediction?: FilePrediction };
