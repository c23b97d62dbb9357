/**
 * The files a functional run reads, besides the config: the checkpoint (one safetensors file, a
 * sharded checkpoint's index and its shards, or a Hugging Face model folder holding either), the
 * evaluation text and its tokenizer. Each is checked here, so that a bad file is a positioned
 * diagnostic before any simulation starts: the checkpoint's headers (not its data) and the
 * tokenizer (parsed). The text is read as UTF-8 (invalid bytes become U+FFFD).
 */
import { FileReadError, fileReadReason } from '../../shared/fileLimits';
import type { AimcConfig } from '../config/schema';
import {
  bytesFile,
  indexShards,
  openCheckpoint,
  type CheckpointTensors,
  type RandomAccessFile,
} from '../functional/checkpoint';
import { encodeUtf8, SafetensorsError } from '../functional/safetensors';
import { loadTokenizer, TokenizerError } from '../text/tokenizer';
import type { DesignFileReader } from './files';

type Refuse = (key: readonly string[], code: string, message: string) => void;

/** The index of a sharded checkpoint, as Hugging Face names it. */
export const CHECKPOINT_INDEX = 'model.safetensors.index.json';
/** A one-file checkpoint in a model folder. */
export const CHECKPOINT_FILE = 'model.safetensors';
/** The tokenizer in a model folder, used when `functional.tokenizer` is not set. */
export const TOKENIZER_FILE = 'tokenizer.json';

/** Config paths are written with `/`; these join and split them without the file system. */
export function joinPath(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir.replace(/\/+$/, '')}/${name}`;
}
function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}
function baseOf(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The files `functional.checkpoint` may stand for: itself, or the index or single file of a folder. */
function checkpointCandidates(p: string): string[] {
  // A folder's index or single file, then the path itself (a checkpoint file without the extension).
  return /\.(safetensors|json)$/i.test(p) ? [p] : [joinPath(p, CHECKPOINT_INDEX), joinPath(p, CHECKPOINT_FILE), p];
}

/** The folder a checkpoint's files (shards, tokenizer) are in. */
export function checkpointFolder(p: string): string {
  return /\.(safetensors|json)$/i.test(p) ? dirOf(p) : p.replace(/\/+$/, '');
}

/** Not there: no such file, or a path through something that is not a folder (a file taken for a model folder). */
const isMissing = (e: unknown) => e instanceof FileReadError && (e.code === 'ENOENT' || e.code === 'ENOTDIR');

class Missing extends Error {}

/**
 * Opens the checkpoint at `entry` (a file): a one-file checkpoint, or an index and its shards.
 * `stream` with a reader that can open files: each is opened for reading in pieces; otherwise each
 * is read whole into `files` (what a worker is sent).
 */
async function openCheckpointAt(
  entry: string,
  reader: DesignFileReader,
  stream: boolean,
  files: Record<string, string | Uint8Array>,
): Promise<CheckpointTensors> {
  const dir = dirOf(entry);
  const opened = new Map<string, RandomAccessFile>();
  const openOne = async (path: string): Promise<RandomAccessFile> => {
    if (stream && reader.openFile) return reader.openFile(path);
    // The reader holds each file to CHECKPOINT_MAX_BYTES.
    const bytes = await reader.readBytes(path);
    if (bytes === undefined) throw new Missing(path);
    files[path] = bytes;
    return bytesFile(bytes);
  };
  if (/\.json$/i.test(entry)) {
    const text = await reader.readText(entry, 'checkpoint-index');
    if (text === undefined) throw new Missing(entry);
    files[entry] = text;
    const index = bytesFile(encodeUtf8(text));
    opened.set(baseOf(entry), index);
    for (const shard of indexShards(index, entry)) {
      // The index was found: a shard it names that cannot be opened is this checkpoint's fault,
      // not a sign to look for another file.
      try {
        opened.set(shard, await openOne(joinPath(dir, shard)));
      } catch (e) {
        const why = e instanceof Missing ? 'no such file' : fileReadReason(e);
        throw new SafetensorsError(
          `the index names the shard ${JSON.stringify(shard.slice(0, 80))}, which cannot be read: ${why}`,
        );
      }
    }
  } else opened.set(baseOf(entry), await openOne(entry));
  return openCheckpoint(baseOf(entry), (rel) => {
    const file = opened.get(rel);
    if (!file) throw new SafetensorsError(`the checkpoint has no file ${JSON.stringify(rel.slice(0, 80))}`);
    return file;
  });
}

/**
 * Reads and checks the functional run's files into `files` (and opens the checkpoint), refusing
 * each problem on the key that names the file. Returns the opened checkpoint, if there is one and
 * it could be opened.
 */
export async function readFunctionalFiles(
  config: AimcConfig,
  reader: DesignFileReader,
  stream: boolean,
  files: Record<string, string | Uint8Array>,
  refuse: Refuse,
): Promise<CheckpointTensors | undefined> {
  const f = config.functional ?? {};
  let checkpoint: CheckpointTensors | undefined;
  if (f.checkpoint !== undefined) {
    const p = f.checkpoint;
    const candidates = checkpointCandidates(p);
    let why = 'no such file';
    for (const entry of candidates) {
      try {
        checkpoint = await openCheckpointAt(entry, reader, stream, files);
        break;
      } catch (e) {
        if (e instanceof Missing || isMissing(e)) continue;
        // The path itself, tried last, is a folder: one without a checkpoint in it.
        if (e instanceof FileReadError && e.code === 'not-regular' && /directory/.test(e.message)) {
          why = `a folder holding neither ${CHECKPOINT_INDEX} nor ${CHECKPOINT_FILE}`;
          break;
        }
        if (e instanceof SafetensorsError) {
          refuse(
            ['functional', 'checkpoint'],
            'checkpoint-invalid',
            `The checkpoint \`${p}\` is not a readable safetensors checkpoint: ${e.message}.`,
          );
          return undefined;
        }
        why = fileReadReason(e);
        break;
      }
    }
    if (!checkpoint) {
      refuse(
        ['functional', 'checkpoint'],
        'checkpoint-unreadable',
        `Cannot read the checkpoint \`${p}\`: ${why}. Paths are relative to this file; give a safetensors file, a \`${CHECKPOINT_INDEX}\` or a model folder, or remove \`functional.checkpoint\` to use synthetic weights.`,
      );
    }
  }

  const readText = async (
    path: string,
    kind: 'text' | 'tokenizer',
    o: { readonly key: readonly string[]; readonly code: string; readonly optional: boolean },
  ): Promise<string | undefined> => {
    const { key, code, optional } = o;
    let why = 'no such file';
    const text = await reader.readText(path, kind).catch((e: unknown) => {
      why = isMissing(e) ? 'no such file' : fileReadReason(e);
      return undefined;
    });
    if (text === undefined && !(optional && why === 'no such file'))
      refuse(
        key,
        code,
        `Cannot read the ${kind === 'text' ? 'evaluation text' : 'tokenizer'} \`${path}\`: ${why}. Paths are relative to this file.`,
      );
    return text;
  };

  const tokenizerPath = tokenizerPathOf(config);
  const tokenizerKey = f.tokenizer !== undefined ? ['functional', 'tokenizer'] : ['functional', 'checkpoint'];
  const tokenizerConfigPath = tokenizerPath === undefined ? undefined : tokenizerConfigPathOf(tokenizerPath);
  const [text, tokenizer, tokenizerConfig] = await Promise.all([
    f.text !== undefined
      ? readText(f.text, 'text', { key: ['functional', 'text'], code: 'text-unreadable', optional: false })
      : undefined,
    tokenizerPath !== undefined
      ? readText(tokenizerPath, 'tokenizer', {
          key: tokenizerKey,
          code: 'tokenizer-unreadable',
          optional: f.tokenizer === undefined,
        })
      : undefined,
    // Hugging Face keeps the special tokens' roles (bos_token) beside tokenizer.json; optional.
    tokenizerConfigPath !== undefined
      ? readText(tokenizerConfigPath, 'tokenizer', { key: tokenizerKey, code: 'tokenizer-unreadable', optional: true })
      : undefined,
  ]);
  if (text !== undefined && f.text !== undefined) files[f.text] = text;
  if (tokenizer !== undefined && tokenizerPath !== undefined) {
    try {
      loadTokenizer(tokenizer, tokenizerConfig);
      files[tokenizerPath] = tokenizer;
      if (tokenizerConfig !== undefined && tokenizerConfigPath !== undefined)
        files[tokenizerConfigPath] = tokenizerConfig;
    } catch (e) {
      if (!(e instanceof TokenizerError)) throw e;
      refuse(tokenizerKey, 'tokenizer-invalid', `The tokenizer \`${tokenizerPath}\` cannot be used: ${e.message}`);
    }
  }
  if (f.text !== undefined && tokenizerPath === undefined)
    refuse(
      ['functional', 'text'],
      'tokenizer-missing',
      'An evaluation text needs a tokenizer: set `functional.tokenizer` to a `tokenizer.json` (or a character tokenizer file), or name a model folder with one in `functional.checkpoint`.',
    );
  else if (f.text !== undefined && tokenizer === undefined && f.tokenizer === undefined)
    refuse(
      ['functional', 'text'],
      'tokenizer-missing',
      `An evaluation text needs a tokenizer, and there is no \`${tokenizerPath}\` beside the checkpoint: set \`functional.tokenizer\`.`,
    );
  return checkpoint;
}

/**
 * Which file of a loaded checkpoint holds it (`files` as loadDesign read them, whole): the one
 * safetensors file, or the index of a sharded checkpoint; undefined when it was not read.
 */
export function checkpointEntryOf(
  checkpoint: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): { readonly path: string; readonly sharded: boolean } | undefined {
  for (const entry of checkpointCandidates(checkpoint))
    if (files[entry] !== undefined) return { path: entry, sharded: /\.json$/i.test(entry) };
  return undefined;
}

/** A tokenizer's `tokenizer_config.json`, which Hugging Face keeps beside its `tokenizer.json`. */
export function tokenizerConfigPathOf(tokenizerPath: string): string {
  return joinPath(dirOf(tokenizerPath), 'tokenizer_config.json');
}

/** The tokenizer beside a checkpoint (in its model folder), used when `functional.tokenizer` is not set. */
export function defaultTokenizerPath(checkpoint: string): string {
  return joinPath(checkpointFolder(checkpoint), TOKENIZER_FILE);
}

/** The tokenizer file a config uses, if any: `functional.tokenizer`, or the one beside the checkpoint. */
export function tokenizerPathOf(config: AimcConfig): string | undefined {
  const f = config.functional ?? {};
  // The model folder's tokenizer is looked for only when there is a text to tokenize.
  if (f.tokenizer !== undefined || f.text === undefined || f.checkpoint === undefined) return f.tokenizer;
  return defaultTokenizerPath(f.checkpoint);
}
