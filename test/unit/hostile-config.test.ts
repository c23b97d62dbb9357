/**
 * Hostile configs (issue 13, items 7, 8, 10, 11 and 13): nesting that overflowed the parser's
 * stack, files of tens of thousands of keys or overrides, settings that each pass the schema but
 * crash the functional run together, values that made figures NaN or infinite, and imported
 * Hugging Face shapes past the limits of `model.shape`. Every case runs the built CLI
 * (dist/cli.js, as cli.test.ts does) with a time limit and records its peak memory: the answer is
 * an exit status and positioned `file:line:col` lines, never a stack trace.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MAX_ENTRIES, MAX_NESTING_DEPTH, parseConfigDocument, scanLimits } from '../../src/engine/config/document';
import { analyzeConfig } from '../../src/engine/analyze';

const CLI = join(import.meta.dirname, '../../dist/cli.js');
const FIXTURES = join(import.meta.dirname, '../fixtures/hostile/configs');
const EXAMPLES = join(import.meta.dirname, '../../examples');
const fixture = (name: string) => join(FIXTURES, name);

/** Every hostile case must answer within this, and within this much memory. */
const TIME_LIMIT_MS = 20_000;
const MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024;

const root = mkdtempSync(join(tmpdir(), 'aimc-hostile-config-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Records the CLI's peak RSS when it exits; loaded with --require, so the CLI runs as shipped.
const RSS_PRELOAD = join(root, 'rss.cjs');
writeFileSync(
  RSS_PRELOAD,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.AIMC_TEST_RSS, String(process.resourceUsage().maxRSS * 1024)));\n",
);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly maxRss: number;
}

let runs = 0;
function aimc(...args: string[]): Promise<Run> {
  const rssFile = join(root, `rss-${++runs}`);
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--require', RSS_PRELOAD, CLI, ...args],
      {
        encoding: 'utf8',
        timeout: TIME_LIMIT_MS,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, AIMC_TEST_RSS: rssFile },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        const maxRss = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : NaN;
        resolve({ code, stdout, stderr, ms: performance.now() - started, maxRss });
      },
    );
  });
}

let files = 0;
function tempConfig(text: string, name = `c${++files}.aimc.yaml`): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

/** Bounded: finished in time and memory, and no stack trace or internal error anywhere. */
function assertBounded(r: Run): void {
  assert.notEqual(r.code, null, `killed after ${TIME_LIMIT_MS} ms; stderr: ${r.stderr.slice(0, 500)}`);
  assert.notEqual(r.code, 70, `internal error: ${r.stderr.slice(0, 800)}`);
  assert.ok(!/internal error|^\s+at .+:\d+:\d+\)?$/m.test(r.stderr), `stack trace: ${r.stderr.slice(0, 800)}`);
  assert.ok(!(r.maxRss > MEMORY_LIMIT_BYTES), `peak memory ${(r.maxRss / 2 ** 20).toFixed(0)} MiB`);
}

/**
 * Exit 1 with exactly one error line `FILE:LINE:COL: error: …` matching `message` (warnings may
 * come with it), at `at` (`LINE:COL`) when given.
 */
function assertOneError(r: Run, file: string, message: RegExp, at?: string): void {
  assertBounded(r);
  assert.equal(r.code, 1, `exit status; stderr: ${r.stderr.slice(0, 800)}`);
  const lines = (r.stdout + r.stderr).split('\n').filter((l) => l.includes(': error: '));
  assert.equal(lines.length, 1, `one error line: ${lines.slice(0, 5).join('\n')}`);
  const m = /^(.*):(\d+):(\d+): error: (.*)$/.exec(lines[0]);
  assert.ok(m, `positioned: ${lines[0]}`);
  assert.equal(m[1], file);
  if (at) assert.equal(`${m[2]}:${m[3]}`, at);
  assert.match(m[4], message);
}

const timings: Array<[string, Run]> = [];
after(() => {
  const worst = timings.reduce((a, b) => (b[1].ms > a[1].ms ? b : a), timings[0]);
  const peak = timings.reduce((a, b) => (b[1].maxRss > a[1].maxRss ? b : a), timings[0]);
  if (worst)
    console.log(
      `# hostile configs: ${timings.length} CLI runs; slowest ${worst[0]} ${worst[1].ms.toFixed(0)} ms; most memory ${peak[0]} ${(peak[1].maxRss / 2 ** 20).toFixed(0)} MiB`,
    );
});
async function timed(name: string, p: Promise<Run>): Promise<Run> {
  const r = await p;
  timings.push([name, r]);
  return r;
}

describe('nesting and size (item 7, item 11)', { concurrency: 4 }, () => {
  test('5,000 nested flow lists in 10 KB: one positioned error, not exit 70', async () => {
    const file = fixture('deep-flow.aimc.yaml');
    const r = await timed('deep-flow', aimc('validate', file));
    assertOneError(r, file, new RegExp(`more than ${MAX_NESTING_DEPTH} levels deep`), '4:70');
  });

  test('the same in JSON, 3,000 nested objects', async () => {
    const file = fixture('deep.aimc.json');
    const r = await timed('deep-json', aimc('simulate', file));
    assertOneError(r, file, /levels deep/, '1:425');
  });

  test('5,000 compact list items on one line', async () => {
    const file = fixture('deep-compact.aimc.yaml');
    const r = await timed('deep-compact', aimc('validate', file));
    assertOneError(r, file, /levels deep/);
  });

  test('200 levels of block indentation', async () => {
    let text = 'version: 1\nmodel: { preset: gpt2 }\nname:\n';
    for (let i = 1; i <= 200; i++) text += `${' '.repeat(i)}a${i}:\n`;
    const file = tempConfig(text);
    const r = await timed('deep-block', aimc('validate', file));
    assertOneError(r, file, /levels deep/, '67:65');
  });

  for (const [what, command] of [
    ['accuracy', ['accuracy']],
    ['sweep', ['sweep', '--vary', 'weights.adc.bits=4,5']],
    ['device --config', ['device', 'pcm', '--config']],
  ] as const) {
    test(`deep nesting through ${what}: exit 1, positioned`, async () => {
      const file = fixture('deep-flow.aimc.yaml');
      const args = what === 'device --config' ? [...command, file] : [command[0], file, ...command.slice(1)];
      const r = await timed(`deep-${what}`, aimc(...args));
      assertBounded(r);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4:70: error: .*levels deep`, 'm'),
      );
    });
  }

  test('700,000 unknown keys in 7.6 MB (4M keys ran 400 s): refused at the limit', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\n${Array.from({ length: 700_000 }, (_, i) => `k${i}: 1\n`).join('')}`;
    const file = tempConfig(text);
    const r = await timed('700k-keys', aimc('validate', file));
    assertOneError(r, file, new RegExp(`more than ${MAX_ENTRIES.toLocaleString('en-US')} entries`), `${MAX_ENTRIES}:1`);
  });

  test('150,000 layer overrides in 7.7 MB (900k ran out of memory): refused at the limit', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\nlayers:\n${'  - { layers: [0], weights: { adc: { bits: 8 } } }\n'.repeat(150_000)}`;
    const file = tempConfig(text);
    const r = await timed('150k-overrides', aimc('simulate', file));
    assertOneError(r, file, /entries/);
  });

  test('40,000 unknown keys under the entry limit: at most 100 findings, in seconds (20,000 took 49 s)', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\n${Array.from({ length: 40_000 }, (_, i) => `k${i}: 1\n`).join('')}`;
    const file = tempConfig(text);
    const r = await timed('40k-unknown-keys', aimc('validate', file));
    assertBounded(r);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 100);
    assert.match(lines[0], /:3:1: error: Unknown key `k0`/);
    assert.ok(r.ms < 10_000, `${r.ms} ms`);
  });

  test('40,000 repeated keys: at most 100 findings, linear time', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\n${'name: x\n'.repeat(40_000)}`;
    const file = tempConfig(text);
    const r = await timed('40k-repeated-keys', aimc('validate', file));
    assertBounded(r);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 100);
    assert.match(lines[0], /:4:1: error: YAML syntax: Map keys must be unique/);
  });

  test('1,001 layer overrides: past the schema limit of 1,000, on the `layers` key', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\nlayers:\n${Array.from({ length: 1001 }, (_, i) => `  - { layers: [${i % 12}], weights: { adc: { bits: 8 } } }\n`).join('')}`;
    const file = tempConfig(text);
    const r = await timed('1001-overrides', aimc('validate', file));
    assertOneError(r, file, /`layers` lists 1001 items; at most 1000 are allowed/, '3:1');
  });

  test('1,000 layer overrides still simulate', async () => {
    const text = `version: 1\nmodel: { preset: gpt2 }\nlayers:\n${Array.from({ length: 1000 }, (_, i) => `  - { layers: [${i % 12}], weights: { adc: { bits: 10 } } }\n`).join('')}`;
    const file = tempConfig(text);
    const r = await timed('1000-overrides', aimc('simulate', file, '--json'));
    assertBounded(r);
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
    assert.ok(JSON.parse(r.stdout).perToken.energyJ > 0);
  });
});

describe('settings that pass the schema but not together (item 8)', { concurrency: 4 }, () => {
  const cases: Array<[string, RegExp, string]> = [
    [
      'rram-order.aimc.yaml',
      /`nonidealities\.rram\.r_on_ohm` \(2 MΩ\) must be below `r_off_ohm` \(1 MΩ\).*Swap/,
      '9:15',
    ],
    ['stuck-at-sum.aimc.yaml', /add up to 1\.3: more than every cell\. Lower them/, '7:3'],
    [
      'tokens-context.aimc.yaml',
      /`functional\.tokens` \(1000\) exceeds the model context \(256 tokens\).*at most 256/,
      '6:11',
    ],
    ['tokens-default-context.aimc.yaml', /runs 64 tokens by default.*context \(16 tokens\).*at most 16/, '5:1'],
  ];
  for (const [name, message, at] of cases) {
    for (const command of ['validate', 'accuracy'] as const) {
      test(`${name}: ${command} gives exit 1 at ${at}, not exit 70`, async () => {
        const file = fixture(name);
        const r = await timed(`${name} ${command}`, aimc(command, file));
        assertOneError(r, file, message, at);
      });
    }
  }

  test('aimc device rram --config with r_on ≥ r_off: exit 1, positioned', async () => {
    const file = fixture('rram-order.aimc.yaml');
    const r = await timed('device-rram', aimc('device', 'rram', '--config', file));
    assertBounded(r);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /rram-order\.aimc\.yaml:9:15: error: `nonidealities\.rram\.r_on_ohm`/);
    assert.equal(r.stdout, '');
  });

  test('the tokens fix clamps to the context', () => {
    const text = readFileSync(fixture('tokens-context.aimc.yaml'), 'utf8');
    const d = analyzeConfig(text).diagnostics.find((x) => x.code === 'tokens-exceed-context');
    assert.equal(d?.fix?.title, 'Clamp to 256');
    assert.equal(d?.fix?.edits[0].newText, '256');
  });
});

describe('NaN and infinity (item 10)', { concurrency: 4 }, () => {
  test('clock_ghz: 5e-324 is out of range (it printed "latency NaN s")', async () => {
    const file = fixture('clock-tiny.aimc.yaml');
    const r = await timed('clock-tiny', aimc('simulate', file));
    assertOneError(r, file, /`technology\.clock_ghz` is 5e-324 GHz; it must be at least 0\.001 GHz/, '5:14');
    assert.doesNotMatch(r.stdout, /NaN|Infinity/);
  });

  test('the lowest clock allowed gives finite figures', async () => {
    const r = await timed('clock-floor', aimc('simulate', fixture('clock-floor.aimc.yaml'), '--json'));
    assertBounded(r);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /NaN|Infinity/);
    assert.ok(JSON.parse(r.stdout).perToken.latencyS > 0);
  });

  test('an area of 1e308 µm² is an error naming the figure (it printed "Infinity mm²")', async () => {
    const file = fixture('area-overflow.aimc.yaml');
    const r = await timed('area-overflow', aimc('simulate', file));
    assertOneError(r, file, /`areaMm2` = Infinity.*too extreme/, '4:1');
    assert.doesNotMatch(r.stdout, /Infinity/);
  });

  test('Hugging Face num_hidden_layers 1e6: refused at once on the huggingface key (it ran 180 s at 4.6 GB)', async () => {
    const file = fixture('hf-layers.aimc.yaml');
    const r = await timed('hf-layers', aimc('simulate', file));
    assertOneError(r, file, /`num_hidden_layers` is 1000000, outside 1 … 1000/, '4:16');
    assert.ok(r.ms < 5000, `${r.ms} ms`);
  });

  test('Hugging Face n_embd past the d_model limit names n_embd', async () => {
    const file = fixture('hf-hidden.aimc.yaml');
    const r = await timed('hf-hidden', aimc('validate', file));
    assertOneError(r, file, /`n_embd` is 262144, outside 1 … 131072/, '4:16');
  });
});

describe('smaller defects (item 13)', { concurrency: 4 }, () => {
  test('model.shape.ffn may be left out and defaults to gelu, as docs/config.md says', async () => {
    const r = await timed('ffn-omitted', aimc('simulate', fixture('ffn-omitted.aimc.yaml'), '--json'));
    assertBounded(r);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).model.ffn, 'gelu');
    const docs = readFileSync(join(import.meta.dirname, '../../docs/config.md'), 'utf8');
    assert.match(docs, /^\| `model\.shape\.ffn` \| `gelu` \\\| `swiglu` \| {2}\| `"gelu"` \|/m);
  });

  test('array counts past 2^53 get a warning naming the count', async () => {
    const file = fixture('arrays-past-2-53.aimc.yaml');
    const r = await timed('arrays-past-2-53', aimc('simulate', file));
    assertBounded(r);
    assert.equal(r.code, 0, r.stderr.slice(0, 500));
    assert.match(
      r.stderr,
      /arrays-past-2-53\.aimc\.yaml:6:3: warning: `mapping\.arrays` \(1\.\d+e\+16\) is above 2\^53, where counts are no longer exact/,
    );
  });
});

describe('the scan before parsing', () => {
  test('the examples pass it, and parse to the same value as before', () => {
    for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.aimc.yaml'))) {
      const text = readFileSync(join(EXAMPLES, f), 'utf8');
      assert.equal(scanLimits(text), undefined, f);
      assert.deepEqual(parseConfigDocument(text).syntaxDiagnostics, [], f);
    }
  });

  test('64 levels pass, 65 do not; brackets and indentation inside strings and block scalars do not count', () => {
    const nested = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    // The top-level map is the first level.
    assert.equal(scanLimits(`name: ${nested(MAX_NESTING_DEPTH - 1)}`), undefined);
    assert.equal(scanLimits(`name: ${nested(MAX_NESTING_DEPTH)}`)?.code, 'nesting-too-deep');
    assert.equal(scanLimits(`name: '${'['.repeat(500)}'\nb: "${'{'.repeat(500)}"`), undefined);
    assert.equal(scanLimits(`name: a${'['.repeat(500)}`), undefined);
    assert.equal(scanLimits(`name: x # ${'['.repeat(500)}\n`), undefined);
    const art = Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 2)}\\`).join('\n');
    assert.equal(scanLimits(`description: |\n${art}\nname: x\n`), undefined);
    // A quote inside a plain word does not open a string that could hide what follows.
    assert.equal(scanLimits(`name: don't\nx: ${nested(100)}\n`)?.code, 'nesting-too-deep');
  });

  test('a repeated key is found without the parser’s quadratic check, at the repeat', () => {
    const doc = parseConfigDocument('version: 1\na: 1\nb: {c: 1, c: 2}\na: 3\n"1": 1\n1: 2\n');
    assert.deepEqual(
      doc.syntaxDiagnostics.map((d) => [d.range.start.line, d.range.start.character, d.message]),
      [
        [2, 10, 'YAML syntax: Map keys must be unique'],
        [3, 0, 'YAML syntax: Map keys must be unique'],
      ],
    );
    assert.equal(doc.value, undefined);
    const many = `version: 1\n${Array.from({ length: 40_000 }, (_, i) => `k${i}: 1\n`).join('')}`;
    const t0 = performance.now();
    assert.deepEqual(parseConfigDocument(many).syntaxDiagnostics, []);
    assert.ok(performance.now() - t0 < 5000, 'linear in the keys');
  });
});
