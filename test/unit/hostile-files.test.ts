/**
 * Hostile files (issue 13): what the CLI reads (configs, Hugging Face config.json, safetensors
 * checkpoints) and writes (`--out`). Every case runs the built CLI (dist/cli.js, as cli.test.ts
 * does) and checks the exit code; a refusal is one line on stderr that names the file, with no
 * stack trace and none of the file's content.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type * as vscode from 'vscode';
import { MetricAccumulator } from '../../src/engine/functional/metrics';
import { relativeReader } from '../../src/extension/language/documents';
import type { VscodeApi } from '../../src/extension/language/vscodeApi';
import { FileReadError } from '../../src/shared/fileLimits';
import { Uri } from './language-fake-vscode';

const CLI = join(import.meta.dirname, '../../dist/cli.js');
const FIXTURES = join(import.meta.dirname, '../fixtures/hostile/files');
const fixture = (name: string) => join(FIXTURES, name);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process, bytes. */
  maxRss: number;
}

const root = mkdtempSync(join(tmpdir(), 'aimc-hostile-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
function tempDir(): string {
  const dir = join(root, `d${++dirs}`);
  mkdirSync(dir);
  return dir;
}

// Records the CLI's peak RSS when it exits; loaded with --require, so the CLI runs as shipped.
const RSS_PRELOAD = join(root, 'rss.cjs');
writeFileSync(
  RSS_PRELOAD,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.AIMC_TEST_RSS, String(process.resourceUsage().maxRSS * 1024)));\n",
);

let runs = 0;
function aimc(...args: string[]): Promise<Run> {
  const rssFile = join(root, `rss-${++runs}`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', RSS_PRELOAD, CLI, ...args],
      { encoding: 'utf8', timeout: 20_000, env: { ...process.env, AIMC_TEST_RSS: rssFile } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const maxRss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
        resolve({ code, stdout, stderr, maxRss });
      },
    );
  });
}

/** Exit 1 with `lines` lines on stderr, each naming `name`; no stack trace; none of `secrets`. */
function assertRefused(r: Run, name: string, reason: RegExp, secrets: readonly string[] = [], lines = 1): void {
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  const out = r.stderr.trimEnd().split('\n');
  assert.equal(out.length, lines, `${lines} line(s) on stderr: ${r.stderr}`);
  for (const line of out) assert.ok(line.includes(name), `names ${name}: ${line}`);
  assert.match(r.stderr, reason);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, 'no stack trace');
  for (const s of secrets) assert.ok(!r.stderr.includes(s) && !r.stdout.includes(s), `does not echo ${s}`);
}

// A small Llama-style model (SwiGLU, RoPE: no learned positions) and its checkpoint.
const D = 16;
const FF = 32;
const VOCAB = 32;
const MODEL = `{ layers: 1, d_model: ${D}, heads: 2, d_ff: ${FF}, ffn: swiglu, vocab: ${VOCAB}, context: 64 }`;

function accuracyConfig(dir: string, checkpoint: string, extra = ''): string {
  const file = join(dir, 'design.aimc.yaml');
  writeFileSync(
    file,
    `version: 1\nmodel:\n  shape: ${MODEL}\nfunctional:\n  tokens: 8\n  blocks: 1\n  checkpoint: ${checkpoint}\n${extra}`,
  );
  return file;
}

type Tensor = { dtype: string; shape: number[]; data?: ArrayLike<number>; bytes?: number };

/** A safetensors file: F32 data, or `bytes` zero bytes for other dtypes; `header` replaces the computed one. */
function safetensors(tensors: Record<string, Tensor>, header?: unknown): Uint8Array {
  const entries: Record<string, unknown> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = new Uint8Array(t.bytes ?? (t.data?.length ?? 0) * 4);
    if (t.data) new Float32Array(bytes.buffer).set(t.data);
    entries[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  return withHeader(new TextEncoder().encode(JSON.stringify(header ?? entries)), chunks);
}

function withHeader(json: Uint8Array, chunks: readonly Uint8Array[] = [], declaredLength = json.length): Uint8Array {
  const size = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Uint8Array(8 + json.length + size);
  const view = new DataView(out.buffer);
  view.setUint32(0, declaredLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(declaredLength / 2 ** 32), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The tensors the model above needs, with small deterministic values; `poison` puts a value into one. */
function llamaTensors(poison?: { name: string; value: number; all?: boolean }): Record<string, Tensor> {
  let seed = 1;
  const values = (n: number, gain = 0.05) =>
    Array.from({ length: n }, () => ((seed = (seed * 48271) % 2147483647) / 2147483647 - 0.5) * gain);
  const t = (shape: number[], ones = false): Tensor => {
    const n = shape.reduce((a, b) => a * b, 1);
    return { dtype: 'F32', shape, data: ones ? new Array(n).fill(1) : values(n) };
  };
  const p = 'model.layers.0.';
  const tensors: Record<string, Tensor> = {
    'model.embed_tokens.weight': t([VOCAB, D]),
    [`${p}input_layernorm.weight`]: t([D], true),
    [`${p}self_attn.q_proj.weight`]: t([D, D]),
    [`${p}self_attn.k_proj.weight`]: t([D, D]),
    [`${p}self_attn.v_proj.weight`]: t([D, D]),
    [`${p}self_attn.o_proj.weight`]: t([D, D]),
    [`${p}post_attention_layernorm.weight`]: t([D], true),
    [`${p}mlp.gate_proj.weight`]: t([FF, D]),
    [`${p}mlp.up_proj.weight`]: t([FF, D]),
    [`${p}mlp.down_proj.weight`]: t([D, FF]),
    'model.norm.weight': t([D], true),
    'lm_head.weight': t([VOCAB, D]),
  };
  if (poison) {
    const data = Array.from(tensors[poison.name].data!);
    if (poison.all) data.fill(poison.value);
    else data[3] = poison.value;
    tensors[poison.name] = { ...tensors[poison.name], data };
  }
  return tensors;
}

/** `aimc accuracy` on a checkpoint with these bytes. */
async function accuracyOn(bytes: Uint8Array | string): Promise<Run> {
  const dir = tempDir();
  writeFileSync(join(dir, 'w.safetensors'), bytes);
  return aimc('accuracy', accuracyConfig(dir, 'w.safetensors'));
}

/** A refused checkpoint is a diagnostic positioned on `functional.checkpoint` (line 7 of `accuracyConfig`). */
function assertCheckpointRefused(r: Run, reason: RegExp, secrets: readonly string[] = []): void {
  assertRefused(r, 'w.safetensors', reason, secrets);
  assert.match(r.stderr, /design\.aimc\.yaml:7:15: error: .*`w\.safetensors`/);
}

describe('malformed safetensors checkpoints: exit 1 and one positioned line, never exit 70', { concurrency: 4 }, () => {
  const good = safetensors(llamaTensors());

  test('the well-formed checkpoint runs (exit 0): the cases below differ from it in one fault', async () => {
    const r = await accuracyOn(good);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /weights: checkpoint/);
  });

  test('one byte (the reproducer of issue 13)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.safetensors'), readFileSync(fixture('one-byte.safetensors')));
    const r = await aimc('accuracy', accuracyConfig(dir, 'bad.safetensors'));
    assertRefused(r, 'bad.safetensors', /too short for a safetensors file/);
  });

  test('truncated in the tensor data', async () => {
    assertCheckpointRefused(await accuracyOn(good.subarray(0, good.length - 5)), /data ends past the file/);
  });

  test('truncated in the header', async () => {
    assertCheckpointRefused(await accuracyOn(good.subarray(0, 40)), /header length \(\d+ bytes\) runs past/);
  });

  test('header that is not JSON, without quoting it', async () => {
    const r = await accuracyOn(withHeader(new TextEncoder().encode('{"root:*:20240:0:99999:7:::": [')));
    assertCheckpointRefused(r, /header is not valid UTF-8 JSON/, ['root:*']);
  });

  test('header that is not UTF-8', async () => {
    assertCheckpointRefused(await accuracyOn(withHeader(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))), /UTF-8/);
  });

  test('header that is JSON but not an object, and an entry that is null', async () => {
    assertCheckpointRefused(await accuracyOn(withHeader(new TextEncoder().encode('[1, 2]'))), /not a JSON object/);
    assertCheckpointRefused(
      await accuracyOn(withHeader(new TextEncoder().encode('{"a": null}'))),
      /entry is not an object/,
    );
  });

  test('header length beyond the file', async () => {
    const json = new TextEncoder().encode('{}');
    assertCheckpointRefused(await accuracyOn(withHeader(json, [], 4096)), /runs past the end of the file/);
  });

  test('huge header length: refused by its limit, before anything is allocated', async () => {
    const r = await accuracyOn(withHeader(new TextEncoder().encode('{}'), [], 2 ** 40));
    assertCheckpointRefused(r, /header length \(1099511627776 bytes\) is over the 16 MiB limit/);
    assert.ok(r.maxRss < 300e6, `peak RSS ${r.maxRss}`);
  });

  test('overlapping tensors', async () => {
    const bytes = safetensors(
      {},
      {
        a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
        b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
      },
    );
    const padded = new Uint8Array(bytes.length + 24);
    padded.set(bytes);
    assertCheckpointRefused(await accuracyOn(padded), /tensors "a" and "b" overlap/);
  });

  test('unknown dtype', async () => {
    assertCheckpointRefused(
      await accuracyOn(safetensors({ a: { dtype: 'Q4_K', shape: [2], bytes: 2 } })),
      /tensor "a": unknown dtype Q4_K/,
    );
  });

  test('shape and size disagree', async () => {
    assertCheckpointRefused(
      await accuracyOn(safetensors({ a: { dtype: 'F32', shape: [3], bytes: 8 } })),
      /F32\[3\] needs 12 bytes, offsets give 8/,
    );
  });

  test('negative and fractional offsets', async () => {
    const bytes = safetensors({}, { a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0.5] } });
    assertCheckpointRefused(await accuracyOn(bytes), /bad shape or offsets/);
  });

  test('tensors the model config needs are missing', async () => {
    const tensors = llamaTensors();
    delete tensors['model.layers.0.mlp.down_proj.weight'];
    assertCheckpointRefused(
      await accuracyOn(safetensors(tensors)),
      /no tensor "model\.layers\.0\.mlp\.down_proj\.weight"/,
    );
  });

  test('a tensor of the wrong shape for the model config', async () => {
    const tensors = llamaTensors();
    tensors['model.norm.weight'] = { dtype: 'F32', shape: [D + 1], data: new Array(D + 1).fill(1) };
    assertCheckpointRefused(await accuracyOn(safetensors(tensors)), /has shape \[17\], the model config needs/);
  });

  test('names neither GPT-2 nor Llama', async () => {
    assertCheckpointRefused(
      await accuracyOn(safetensors({ 'x.weight': { dtype: 'F32', shape: [1], data: [1] } })),
      /neither Hugging Face GPT-2 names/,
    );
  });
});

describe('non-finite weights: refused, naming the tensor; never 0.00 % error with exit 0', { concurrency: 4 }, () => {
  for (const [label, value] of [
    ['NaN', Number.NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
  ] as const) {
    test(`${label} in a weight matrix`, async () => {
      const r = await accuracyOn(safetensors(llamaTensors({ name: 'model.layers.0.self_attn.k_proj.weight', value })));
      assertCheckpointRefused(r, /tensor "model\.layers\.0\.self_attn\.k_proj\.weight" holds (NaN|-?Infinity)/);
      assert.equal(r.stdout, '');
    });
  }

  test('a finite weight so large that the float model overflows: NaN results are an error', async () => {
    const q = 'model.layers.0.self_attn.q_proj.weight';
    const r = await accuracyOn(safetensors(llamaTensors({ name: q, value: 3e38, all: true })));
    assertCheckpointRefused(r, /computed NaN or ±Inf \(layer 0 q_proj\)/);
    assert.equal(r.stdout, '');
  });
});

describe('files a config names: regular files inside its folder, under their limits', { concurrency: 4 }, () => {
  function hfConfig(dir: string, path: string): string {
    const file = join(dir, 'design.aimc.yaml');
    writeFileSync(file, `version: 1\nmodel:\n  huggingface: ${JSON.stringify(path)}\n`);
    return file;
  }
  const SHADOW = 'root:*:20240:0:99999:7:::';

  test('an absolute path is outside the config folder', async () => {
    const r = await aimc('validate', hfConfig(tempDir(), '/etc/passwd'));
    assertRefused({ ...r, stderr: r.stdout }, '/etc/passwd', /an absolute path, outside the config's folder/);
  });

  test('`..` out of the config folder', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'secret.json'), SHADOW);
    const r = await aimc('validate', hfConfig(join(dir, 'sub'), '../secret.json'));
    assertRefused({ ...r, stderr: r.stdout }, '../secret.json', /outside the config's folder, through `\.\.`/, [
      SHADOW,
    ]);
  });

  test('a symbolic link out of the config folder; with --allow-outside-files it is read, and its content not echoed', async () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'shadow'), `${SHADOW}\n`);
    const dir = tempDir();
    symlinkSync(join(outside, 'shadow'), join(dir, 'config.json'));
    const config = hfConfig(dir, 'config.json');
    const r = await aimc('validate', config);
    assertRefused({ ...r, stderr: r.stdout }, 'config.json', /through a symbolic link; --allow-outside-files/, [
      'root:',
    ]);
    const allowed = await aimc('validate', config, '--allow-outside-files');
    assertRefused({ ...allowed, stderr: allowed.stdout }, 'config.json', /is not valid JSON/, ['root:', '20240']);
  });

  test('a symbolic link inside the config folder is followed', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'models'));
    writeFileSync(
      join(dir, 'models', 'real.json'),
      JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 128 }),
    );
    symlinkSync(join(dir, 'models', 'real.json'), join(dir, 'link.json'));
    const r = await aimc('validate', hfConfig(dir, 'link.json'));
    assert.equal(r.code, 0, r.stdout);
  });

  test('a JSON error does not quote the file (the /etc/shadow leak of issue 13)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), readFileSync(fixture('not-json.config.json')));
    const r = await aimc('validate', hfConfig(dir, 'config.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'config.json', /is not valid JSON/, ['root', '20240', 'daemon']);
  });

  test('a wrong value in config.json is described, not quoted', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), readFileSync(fixture('string-value.config.json')));
    const r = await aimc('validate', hfConfig(dir, 'config.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'config.json', /`n_layer` is a string/, ['s3cr3t']);
  });

  test('/dev/zero is not a regular file (and is not read)', async () => {
    const r = await aimc('validate', hfConfig(tempDir(), '/dev/zero'), '--allow-outside-files');
    assertRefused({ ...r, stderr: r.stdout }, '/dev/zero', /not a regular file \(a device\)/);
    assert.ok(r.maxRss < 300e6, `peak RSS ${r.maxRss}`);
  });

  test('a named pipe is refused without blocking', { skip: process.platform === 'win32' }, async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    const r = await aimc('validate', hfConfig(dir, 'pipe.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'pipe.json', /not a regular file \(a named pipe\)/);
  });

  test('a folder is not a regular file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'config.json'));
    const r = await aimc('validate', hfConfig(dir, 'config.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'config.json', /not a regular file \(a directory\)/);
  });

  test('a missing file says so', async () => {
    const r = await aimc('validate', hfConfig(tempDir(), 'nope.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'nope.json', /no such file \(ENOENT\)/);
  });

  test('a config.json over 1 MiB', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), '');
    truncateSync(join(dir, 'config.json'), 2 * 1024 * 1024); // sparse: no data written
    const r = await aimc('validate', hfConfig(dir, 'config.json'));
    assertRefused({ ...r, stderr: r.stdout }, 'config.json', /larger than 1 MiB, the limit for a config\.json/);
  });

  test('a checkpoint over 4 GiB (sparse) is streamed by accuracy, never read whole, and refused by a sweep', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'w.safetensors'), '');
    truncateSync(join(dir, 'w.safetensors'), 5 * 2 ** 30);
    // `aimc accuracy` reads a checkpoint tensor by tensor: only the header is read, and it is zeros.
    const r = await aimc('accuracy', accuracyConfig(dir, 'w.safetensors'));
    assertCheckpointRefused(r, /not a readable safetensors checkpoint/);
    assert.ok(r.maxRss < 300e6, `peak RSS ${r.maxRss}`);
    // A sweep hands the checkpoint to its workers whole, under the 4 GiB limit.
    const s = await aimc('sweep', accuracyConfig(dir, 'w.safetensors'), '--vary', 'weights.adc.bits=6,8', '--error');
    assert.equal(s.code, 1, s.stderr);
    assert.match(s.stderr, /design\.aimc\.yaml:7:15: error: .*larger than 4 GiB, the limit for a checkpoint/);
    assert.ok(s.maxRss < 300e6, `peak RSS ${s.maxRss}`);
  });

  test('a checkpoint that is a device or a named pipe', { skip: process.platform === 'win32' }, async () => {
    const r = await aimc('accuracy', accuracyConfig(tempDir(), '/dev/zero'), '--allow-outside-files');
    assertRefused(r, '/dev/zero', /Cannot read the checkpoint `\/dev\/zero`: not a regular file \(a device\)/);
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'w.safetensors')]);
    assertCheckpointRefused(await aimc('accuracy', accuracyConfig(dir, 'w.safetensors')), /a named pipe/);
  });

  test('a checkpoint outside the config folder', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'w.safetensors'), safetensors(llamaTensors()));
    const config = accuracyConfig(join(dir, 'sub'), '../w.safetensors');
    assertRefused(await aimc('accuracy', config), '../w.safetensors', /outside the config's folder/);
    assert.equal((await aimc('accuracy', config, '--allow-outside-files')).code, 0);
  });
});

describe('config files: regular, under 8 MiB, any encoding with a BOM, any line ends', { concurrency: 4 }, () => {
  test('/dev/zero, a named pipe and a folder as the config', { skip: process.platform === 'win32' }, async () => {
    assertRefused(await aimc('validate', '/dev/zero'), '/dev/zero', /cannot read: not a regular file \(a device\)/);
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe.aimc.yaml')]);
    assertRefused(await aimc('simulate', join(dir, 'pipe.aimc.yaml')), 'pipe.aimc.yaml', /a named pipe/);
    assertRefused(await aimc('validate', dir), dir, /a directory/);
  });

  test('a config over 8 MiB', async () => {
    const file = join(tempDir(), 'big.aimc.yaml');
    writeFileSync(file, '');
    truncateSync(file, 9 * 1024 * 1024);
    assertRefused(await aimc('validate', file), 'big.aimc.yaml', /larger than 8 MiB, the limit for a config file/);
  });

  for (const name of ['utf8-bom.aimc.yaml', 'utf16le-bom.aimc.yaml', 'utf16be-bom.aimc.yaml', 'cr-only.aimc.yaml']) {
    test(`${name} is read as the config it is`, async () => {
      const r = await aimc('simulate', fixture(name), '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(JSON.parse(r.stdout).perToken.energyJ > 0);
    });
  }

  test('CR-only line ends: an error is on the line an editor shows', async () => {
    const r = await aimc('validate', fixture('cr-only-error.aimc.yaml'));
    assertRefused({ ...r, stderr: r.stdout }, 'cr-only-error.aimc.yaml', /cr-only-error\.aimc\.yaml:6:\d+: error/);
  });
});

describe('--out: checked before any work, written atomically', { concurrency: 4 }, () => {
  const example = join(import.meta.dirname, '../../examples/tiny-accuracy.aimc.yaml');

  for (const [command, args] of [
    ['simulate', [example]],
    ['accuracy', [example]],
    ['device', ['pcm']],
    ['sweep', [example, '--vary', 'weights.adc.bits=4,6']],
    ['merge', [join(root, 'no-such-shard.json')]],
  ] as const) {
    test(`${command}: an --out in a missing folder is refused first`, async () => {
      const out = join(root, 'missing-folder', 'r.txt');
      const r = await aimc(command, ...args, '--out', out);
      assertRefused(r, `--out ${out}`, /its folder cannot be used: no such file \(ENOENT\)/);
    });
  }

  test('an --out that is a folder, or under a file', async () => {
    const dir = tempDir();
    assertRefused(await aimc('simulate', example, '--out', dir), dir, /is a folder; give a file name/);
    writeFileSync(join(dir, 'file'), '');
    const under = join(dir, 'file', 'r.txt');
    assertRefused(await aimc('simulate', example, '--out', under), under, /is not a folder/);
  });

  test('an --out that is a device', { skip: process.platform === 'win32' }, async () => {
    assertRefused(
      await aimc('simulate', example, '--out', '/dev/null'),
      '/dev/null',
      /not a regular file \(a device\)/,
    );
  });

  test('an existing --out is replaced whole, and no temporary file is left', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.json');
    writeFileSync(out, 'x'.repeat(100_000));
    const r = await aimc('simulate', example, '--json', '--out', out);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(readFileSync(out, 'utf8')).schemaVersion, 1);
    assert.deepEqual(readdirSync(dir), ['r.json']);
  });
});

describe('terminal output: no control characters from a config', { concurrency: 4 }, () => {
  test('a name with escape sequences prints without them; JSON keeps it, escaped', async () => {
    const text = await aimc('simulate', fixture('control-chars.aimc.yaml'));
    assert.equal(text.code, 0, text.stderr);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(text.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    assert.match(text.stdout, /red1mname/, 'the C1 CSI goes, the text after it stays');
    const json = await aimc('simulate', fixture('control-chars.aimc.yaml'), '--json');
    assert.equal(JSON.parse(json.stdout).name, '\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x9b1mname\r');
  });

  test('a path with escape sequences, quoted by an error', async () => {
    const r = await aimc('validate', fixture('control-chars-path.aimc.yaml'));
    assertRefused({ ...r, stderr: r.stdout }, 'missing.json', /Cannot read Hugging Face config `missing\.json`/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(r.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  });
});

describe('memory: the functional run is sized by its tokens, not the context', () => {
  test('context 10⁷ on a tiny model, a 32-token run: exit 0 in bounded memory', async () => {
    const file = join(tempDir(), 'long-context.aimc.yaml');
    writeFileSync(
      file,
      'version: 1\nmodel:\n  shape: { layers: 2, d_model: 128, heads: 4, d_ff: 512, ffn: gelu, vocab: 512, context: 10000000, tied_embeddings: true }\nattention:\n  window: 128\nfunctional:\n  tokens: 32\n',
    );
    const r = await aimc('accuracy', file);
    assert.equal(r.code, 0, r.stderr);
    // Learned positions of the whole context would be 10⁷ × 128 floats = 5.1 GB.
    assert.ok(r.maxRss < 400e6, `peak RSS ${(r.maxRss / 1e6).toFixed(0)} MB`);
  });
});

describe('the editor reads files inside the workspace only (workspace.fs)', () => {
  /** A workspace at /work with files by path; `type` 65 is a symbolic link to a file. */
  function editor(o: { trusted: boolean; allowOutside?: boolean }) {
    const files = new Map<string, { type: number; bytes: Uint8Array }>([
      ['/work/m/config.json', { type: 1, bytes: new TextEncoder().encode('{}') }],
      ['/work/link.json', { type: 65, bytes: new TextEncoder().encode('{}') }],
      ['/work/pipe.json', { type: 0, bytes: new Uint8Array() }],
      ['/work/big.json', { type: 1, bytes: new Uint8Array(2 * 1024 * 1024) }],
      ['/etc/passwd', { type: 1, bytes: new TextEncoder().encode('root:x:0:0') }],
    ]);
    const read: string[] = [];
    const api = {
      Uri,
      workspace: {
        isTrusted: o.trusted,
        workspaceFolders: [{ uri: Uri.file('/work'), name: 'work', index: 0 }],
        getConfiguration: () => ({
          get: (key: string, fallback: unknown) => (key === 'allowFilesOutsideWorkspace' ? o.allowOutside : fallback),
        }),
        fs: {
          stat: async (uri: Uri) => {
            const f = files.get(uri.path);
            if (!f) throw Object.assign(new Error('not found'), { code: 'FileNotFound' });
            return { type: f.type, size: f.bytes.length, ctime: 0, mtime: 0 };
          },
          readFile: async (uri: Uri) => {
            read.push(uri.path);
            return files.get(uri.path)!.bytes;
          },
        },
      },
    } as unknown as VscodeApi;
    return { reader: relativeReader(api, Uri.file('/work/m/a.aimc.yaml') as unknown as vscode.Uri), read };
  }
  const refusal = async (p: Promise<unknown>, code: string, reason: RegExp) => {
    await assert.rejects(p, (e: unknown) => e instanceof FileReadError && e.code === code && reason.test(e.message));
  };

  test('inside the workspace folder, also above the config: read', async () => {
    const { reader } = editor({ trusted: true });
    assert.equal(await reader.readText('config.json'), '{}');
    assert.equal(await reader.readText('../m/config.json'), '{}');
  });

  test('outside it: refused, unless the setting allows it in a trusted workspace', async () => {
    const trusted = editor({ trusted: true });
    await refusal(trusted.reader.readText('/etc/passwd'), 'outside', /outside the workspace folder; the setting/);
    await refusal(trusted.reader.readText('../../etc/passwd'), 'outside', /outside the workspace folder/);
    assert.deepEqual(trusted.read, []);
    const allowed = editor({ trusted: true, allowOutside: true });
    assert.equal(await allowed.reader.readText('/etc/passwd'), 'root:x:0:0');
    const untrusted = editor({ trusted: false, allowOutside: true });
    await refusal(untrusted.reader.readText('/etc/passwd'), 'untrusted', /never read|nothing outside it is read/);
    await refusal(untrusted.reader.readBytes('/etc/passwd'), 'untrusted', /untrusted workspace/);
    assert.deepEqual(untrusted.read, []);
  });

  test('a symbolic link, something not a file, a file over the limit: refused before reading', async () => {
    const { reader, read } = editor({ trusted: true });
    await refusal(reader.readText('../link.json'), 'outside', /a symbolic link/);
    await refusal(reader.readText('../pipe.json'), 'not-regular', /not a regular file/);
    await refusal(reader.readText('../big.json'), 'too-large', /larger than 1 MiB/);
    assert.deepEqual(read, []);
  });
});

describe('metrics of non-finite values are NaN, never "no error"', () => {
  test('NaN or Inf in either input makes every metric NaN', () => {
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const m = new MetricAccumulator();
      m.add([1, 2, bad], [1, 2, 3]);
      m.addTopK([1, 2, bad], [1, 2, 3], 1, 3, 2);
      const r = m.result();
      assert.ok(Number.isNaN(r.relativeError) && Number.isNaN(r.cosineSimilarity) && Number.isNaN(r.snrDb));
      assert.ok(Number.isNaN(r.topKAgreement!));
      const ref = new MetricAccumulator();
      ref.add([1, 2, 3], [1, 2, bad]);
      assert.ok(Number.isNaN(ref.result().relativeError));
    }
  });

  test('an exact match is still 0 error and SNR ∞', () => {
    const m = new MetricAccumulator();
    m.add([1, 2, 3], [1, 2, 3]);
    assert.equal(m.result().relativeError, 0);
    assert.equal(m.result().snrDb, Infinity);
  });
});
