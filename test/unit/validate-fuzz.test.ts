/**
 * Property-based robustness of the validator and the language service: random text and mutated
 * example configs (keys deleted, repeated or renamed, values of the wrong type or random, text cut
 * off, random bytes spliced in) never make them throw, every range they return lies inside the
 * document, and every invalid file gets at least one error.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { analyzeConfig } from '../../src/engine/analyze';
import { hasErrors, type Range } from '../../src/shared/diagnostics';
import {
  codeActions,
  codeLenses,
  complete,
  documentSymbols,
  hover,
  type DocumentSymbol,
} from '../../src/engine/language/index';
import { applyEdits } from './language-text';
import { setConfigValue } from '../../src/engine/config/editText';
import { sweepableKeys } from '../../src/engine/sweep/axes';

const EXAMPLES = join(import.meta.dirname, '../../examples');
const examples = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.aimc.yaml'))
  .sort()
  .map((f) => readFileSync(join(EXAMPLES, f), 'utf8'));
const readFile = (p: string) => {
  try {
    return readFileSync(resolve(EXAMPLES, p), 'utf8');
  } catch {
    return undefined;
  }
};

function assertInside(text: string, r: Range, what: string): void {
  const lines = text.split('\n');
  const ok = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) &&
    Number.isInteger(p.character) &&
    p.line >= 0 &&
    p.line < lines.length &&
    p.character >= 0 &&
    p.character <= lines[p.line].length;
  assert.ok(ok(r.start) && ok(r.end), `${what}: ${JSON.stringify(r)} is outside the document`);
  const ordered = r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character);
  assert.ok(ordered, `${what}: ${JSON.stringify(r)} ends before it starts`);
}

function contains(outer: Range, inner: Range): boolean {
  const le = (a: Range['start'], b: Range['start']) =>
    a.line < b.line || (a.line === b.line && a.character <= b.character);
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

function checkSymbols(text: string, symbols: readonly DocumentSymbol[]): void {
  for (const s of symbols) {
    assertInside(text, s.range, `symbol ${s.name}`);
    assert.ok(contains(s.range, s.selectionRange), `symbol ${s.name}: selection outside its range`);
    checkSymbols(text, s.children);
  }
}

/** Runs everything on `text` and checks the properties that hold for any input; returns whether it had errors. */
function exercise(text: string, probes: readonly number[]): boolean {
  const analysis = analyzeConfig(text, { readFile });
  for (const d of analysis.diagnostics) {
    assertInside(text, d.range, `${d.code} diagnostic`);
    assert.ok(d.message.length > 0);
    for (const e of d.fix?.edits ?? []) assertInside(text, e.range, `${d.code} fix edit`);
  }
  const failed = hasErrors(analysis.diagnostics);
  // A file that produced no result must say why: nothing invalid passes silently.
  if (!failed) assert.ok(analysis.result, `no errors but no result for:\n${text}`);

  const lines = text.split('\n');
  for (const probe of probes) {
    const line = probe % lines.length;
    const position = { line, character: Math.floor(probe / lines.length) % (lines[line].length + 1) };
    for (const item of complete(text, position)) assertInside(text, item.range, `completion ${item.label}`);
    const h = hover(text, position);
    if (h) assertInside(text, h.range, 'hover');
    for (const a of codeActions(analysis.diagnostics, { start: position, end: position })) {
      for (const e of a.edits) assertInside(text, e.range, 'code action');
    }
  }
  checkSymbols(text, documentSymbols(text));
  for (const l of codeLenses(text)) assertInside(text, l.range, 'code lens');
  return failed;
}

const KEY_LINE = /^(\s*(?:-\s+)?)([a-z_]+)(\s*:)/;
const NUMBER_VALUE = /^(\s*(?:-\s+)?([a-z_]+):\s*)(-?\d[\d.e+-]*)(\s*(?:#.*)?)$/;
const FREE_TEXT_KEYS = new Set(['name', 'description', 'huggingface', 'preset']);

type Mutation = (text: string) => string;

/** A mutation that prints as what it does, so a failing case can be read and replayed. */
function named(description: string, apply: Mutation): Mutation {
  return Object.assign(apply, { [fc.toStringMethod]: () => description });
}

function onLine(t: string, i: number, change: (line: string) => string): string {
  const l = t.split('\n');
  const k = i % l.length;
  l[k] = change(l[k]);
  return l.join('\n');
}

const lineIndex = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  lineIndex.map((i) =>
    named(`delete line ${i}`, (t) => {
      const l = t.split('\n');
      l.splice(i % l.length, 1);
      return l.join('\n');
    }),
  ),
  lineIndex.map((i) =>
    named(`repeat line ${i}`, (t) => {
      const l = t.split('\n');
      const k = i % l.length;
      l.splice(k, 0, l[k]);
      return l.join('\n');
    }),
  ),
  fc
    .tuple(lineIndex, fc.stringMatching(/^[a-z_]{1,12}$/))
    .map(([i, name]) =>
      named(`rename the key on line ${i} to ${name}`, (t) => onLine(t, i, (x) => x.replace(KEY_LINE, `$1${name}$3`))),
    ),
  fc
    .tuple(
      lineIndex,
      fc.oneof(
        fc.string(),
        fc.integer().map(String),
        fc.double().map(String),
        fc.constantFrom('true', 'null', '[]', '{}', '[1, x]', '~', '&a x', '*a', '!!str 3', '|', '"unterminated'),
      ),
    )
    .map(([i, v]) =>
      named(`set the value on line ${i} to ${JSON.stringify(v)}`, (t) =>
        onLine(t, i, (x) => x.replace(/:\s.*$/, `: ${v}`)),
      ),
    ),
  fc.nat().map((n) => named(`cut the text at ${n}`, (t) => t.slice(0, n % (t.length + 1)))),
  fc.tuple(fc.nat(), fc.string({ unit: 'binary', maxLength: 8 })).map(([n, str]) =>
    named(`insert ${JSON.stringify(str)} at ${n}`, (t) => {
      const at = n % (t.length + 1);
      return t.slice(0, at) + str + t.slice(at);
    }),
  ),
  fc
    .tuple(lineIndex, fc.integer({ min: -3, max: 3 }))
    .map(([i, d]) =>
      named(`indent line ${i} by ${d}`, (t) =>
        onLine(t, i, (x) => (d > 0 ? ' '.repeat(d) + x : x.slice(Math.min(-d, x.length - x.trimStart().length)))),
      ),
    ),
);

const probes = fc.array(fc.nat(), { minLength: 1, maxLength: 4 });

test('random text: nothing throws, every range lies inside the document', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.string({ unit: fc.constantFrom(...'{}[]:,-#"\' \n\tab1'), maxLength: 120 }),
      ),
      probes,
      (text, p) => {
        exercise(text, p);
      },
    ),
    { numRuns: 300 },
  );
});

test('mutated examples: nothing throws, every range lies inside the document, no silent failure', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), probes, (which, mutations, p) => {
      const text = mutations.reduce((t, m) => m(t), examples[which % examples.length]);
      exercise(text, p);
    }),
    { numRuns: 200 },
  );
});

test('quick fixes applied to mutated examples leave text the validator still handles', () => {
  fc.assert(
    fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 2 }), (which, mutations) => {
      const text = mutations.reduce((t, m) => m(t), examples[which % examples.length]);
      for (const d of analyzeConfig(text, { readFile }).diagnostics) {
        if (d.fix) exercise(applyEdits(text, d.fix.edits), [0]);
      }
    }),
    { numRuns: 100 },
  );
});

test('an example with a renamed key, a number written as a word, or no version gets at least one error', () => {
  const invalidating = fc.oneof(
    fc.nat().map((i) => (t: string) => {
      const l = t.split('\n');
      const keyLines = l.flatMap((x, k) => (KEY_LINE.test(x) && !x.trimStart().startsWith('#') ? [k] : []));
      const k = keyLines[i % keyLines.length];
      l[k] = l[k].replace(KEY_LINE, '$1zz_not_a_key$3');
      return l.join('\n');
    }),
    fc.nat().map((i) => (t: string) => {
      const l = t.split('\n');
      const numberLines = l.flatMap((x, k) => {
        const m = NUMBER_VALUE.exec(x);
        return m && !FREE_TEXT_KEYS.has(m[2]) ? [k] : [];
      });
      const k = numberLines[i % numberLines.length];
      l[k] = l[k].replace(NUMBER_VALUE, '$1eight$4');
      return l.join('\n');
    }),
    fc.constant((t: string) => t.replace(/^version: 1\n/m, '')),
  );
  fc.assert(
    fc.property(fc.nat(), invalidating, (which, m) => {
      const original = examples[which % examples.length];
      const text = m(original);
      assert.notEqual(text, original);
      assert.ok(exercise(text, [0]), `no error for:\n${text}`);
    }),
    { numRuns: 150 },
  );
});

test('the examples themselves are valid (the mutation tests start from valid files)', () => {
  assert.ok(examples.length >= 1);
  for (const text of examples) assert.equal(exercise(text, [0, 7, 99]), false);
});

/** Every number in `value` that is NaN or ±Infinity, by path. */
function nonFinite(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => nonFinite(v, path ? `${path}.${k}` : k));
}

/** A value for a config key: its bounds, the smallest step past them, anything in range, anything at all. */
function valueFor(key: ReturnType<typeof sweepableKeys>[number]): fc.Arbitrary<string | number | boolean> {
  if (key.kind === 'boolean') return fc.boolean();
  if (key.kind === 'enum') return fc.constantFrom(...key.choices!);
  const min = key.minimum ?? -1e308;
  const max = key.maximum ?? 1e308;
  const edges = [min, max, 0, 5e-324, 1e308, -1, Number.MAX_SAFE_INTEGER].filter(
    (v) => key.kind !== 'integer' || Number.isSafeInteger(v),
  );
  return key.kind === 'integer'
    ? fc.oneof(
        fc.constantFrom(...edges),
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
        fc.integer(),
      )
    : fc.oneof(
        fc.constantFrom(...edges),
        fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
      );
}

const settable = sweepableKeys();
const setting = fc
  .constantFrom(...settable)
  .chain((key) => valueFor(key).map((value) => ({ key: key.key, value })))
  .map((s) => Object.assign(s, { [fc.toStringMethod]: () => `${s.key}: ${String(s.value)}` }));

/** How many generated configs the next test runs; issue 13 asks for at least 2,000 a run. */
const GENERATED_CONFIGS = 2000;

test(`${GENERATED_CONFIGS} generated configs (examples with keys set to edge, random and out-of-range values): no exception, every error located, no non-finite figure without an error`, () => {
  const started = performance.now();
  let valid = 0;
  fc.assert(
    fc.property(fc.nat(), fc.array(setting, { minLength: 1, maxLength: 6 }), (which, settings) => {
      let text = examples[which % examples.length];
      for (const s of settings) text = setConfigValue(text, s.key.split('.'), s.value);
      const analysis = analyzeConfig(text, { readFile });
      for (const d of analysis.diagnostics) assertInside(text, d.range, `${d.code} diagnostic`);
      if (hasErrors(analysis.diagnostics)) return;
      valid++;
      assert.ok(analysis.result, `no errors but no result for:\n${text}`);
      assert.deepEqual(nonFinite(analysis.result), [], `non-finite figures with no error for:\n${text}`);
    }),
    { numRuns: GENERATED_CONFIGS },
  );
  console.log(
    `# ${GENERATED_CONFIGS} generated configs in ${((performance.now() - started) / 1000).toFixed(1)} s, ${valid} of them valid`,
  );
  assert.ok(valid > GENERATED_CONFIGS / 10, `only ${valid} valid configs: the generator hardly reaches the simulation`);
});
