/**
 * The VS Code adapters against a fake `vscode` (language-fake-vscode.ts): what gets registered,
 * diagnostics as the user types (debounced, stale results dropped, JSON configs not reported
 * twice), completion, hover, quick fixes, CodeLens and outline. The commands are tested with the
 * rest of the extension (extension-commands.test.ts).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import * as service from '../../src/engine/language/index';
import { ConfigDiagnostics } from '../../src/extension/language/diagnostics';
import { registerFeatures } from '../../src/extension/language/features';
import type {
  ConfigCodeActionProvider,
  ConfigCodeLensProvider,
  ConfigCompletionProvider,
  ConfigHoverProvider,
  ConfigSymbolProvider,
} from '../../src/extension/language/providers';
import type { Output } from '../../src/extension/language/vscodeApi';
import {
  CodeAction,
  CodeLens,
  CompletionItem,
  Diagnostic,
  DiagnosticSeverity,
  DocumentSymbol,
  FakeDocument,
  fakeVscode,
  Hover,
  MarkdownString,
  Position,
  Range,
  SnippetString,
  Uri,
  WorkspaceEdit,
} from './language-fake-vscode';
import { cursor, gpt2, spanOf } from './language-text';

type Fake = ReturnType<typeof fakeVscode>;

class Recorder implements Output {
  readonly lines: string[] = [];
  shown = 0;
  info(m: string) {
    this.lines.push(m);
  }
  error(m: string) {
    this.lines.push(`ERROR ${m}`);
  }
  show() {
    this.shown++;
  }
}

/** Timers the test fires by hand, so debouncing is tested without waiting. */
class ManualTimers {
  private next = 0;
  readonly pending = new Map<number, () => void>();
  readonly delays: number[] = [];
  set = (run: () => void, ms: number) => {
    this.delays.push(ms);
    this.pending.set(++this.next, run);
    return this.next;
  };
  clear = (t: unknown) => {
    this.pending.delete(t as number);
  };
  fireAll(): void {
    const runs = [...this.pending.values()];
    this.pending.clear();
    for (const r of runs) r();
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (condition()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`timed out waiting for ${what}`);
}

let fake: Fake;
let timers: ManualTimers;
let output: Recorder;
let analyses: number;
let diagnostics: ConfigDiagnostics;
const subscriptions: Array<{ dispose(): unknown }> = [];

function setup(): void {
  fake = fakeVscode();
  timers = new ManualTimers();
  output = new Recorder();
  analyses = 0;
  subscriptions.length = 0;
  const counting = {
    ...service,
    analyzeWithFiles: (...args: Parameters<typeof service.analyzeWithFiles>) => {
      analyses++;
      return service.analyzeWithFiles(...args);
    },
  };
  diagnostics = registerFeatures(fake.api, subscriptions as never, async () => counting, output, {
    setTimer: timers.set,
    clearTimer: timers.clear,
    delayMs: 300,
  });
}

const shown = (d: FakeDocument): Diagnostic[] | undefined => fake.collections.get('aimc')!.get(d.uri.toString());

/** A config document VS Code has not told the extension about (no open event). */
const unannounced = (path: string, text: string) => new FakeDocument(Uri.file(path), text, 'aimc');

describe('registration', () => {
  beforeEach(setup);

  test('registers every feature once and hands every disposable to the extension context', () => {
    const kinds = fake.registrations.map((r) => r.kind).sort();
    assert.deepEqual(kinds, ['codeActions', 'codeLens', 'completion', 'hover', 'symbols']);
    const selector = (kind: string) => JSON.stringify(fake.registrations.find((r) => r.kind === kind)!.selector);
    // JSON configs get completion, hover and outline from VS Code's JSON support and the shipped schema.
    assert.equal(selector('completion'), '[{"language":"aimc"}]');
    assert.equal(selector('hover'), '[{"language":"aimc"}]');
    assert.equal(selector('codeActions'), '[{"language":"aimc"},{"language":"json","pattern":"**/*.aimc.json"}]');
    assert.equal(selector('codeLens'), '[{"language":"aimc"},{"language":"json","pattern":"**/*.aimc.json"}]');
    // The commands the CodeLens row names are the extension's (extension-commands.test.ts).
    assert.deepEqual([...fake.commands.keys()], []);
    assert.equal(subscriptions.length, 1 + 5);
    for (const s of subscriptions) s.dispose();
    assert.equal(fake.disposedCollections, 1);
    assert.equal(fake.listenerCount(), 0);
  });
});

describe('diagnostics', () => {
  beforeEach(setup);

  test('an opened config is validated at once; the problems carry range, severity, code and source', async () => {
    const text = gpt2('weights:', '  adc_bits: 6');
    const d = fake.open('/work/a.aimc.yaml', text);
    await until(() => shown(d) !== undefined, 'diagnostics');
    const [only] = shown(d)!;
    assert.equal(shown(d)!.length, 1);
    assert.deepEqual(only.range, new Range(4, 2, 4, 10));
    assert.equal(only.severity, DiagnosticSeverity.Error);
    assert.equal(only.code, 'unknown-key');
    assert.equal(only.source, 'aimc');
    assert.match(only.message, /Did you mean `adc\.bits`\?/);
  });

  test('other documents are left alone', async () => {
    fake.open('/work/notes.yaml', 'a: 1\n', 'yaml');
    fake.open('/work/package.json', '{}', 'json');
    await new Promise((r) => setImmediate(r));
    assert.equal(analyses, 0);
  });

  test('typing is debounced: a burst of edits is validated once, after the pause', async () => {
    const d = fake.open('/work/a.aimc.yaml', gpt2());
    await until(() => shown(d) !== undefined, 'first validation');
    const before = analyses;
    fake.edit(d, gpt2('weights:', '  device: p'));
    fake.edit(d, gpt2('weights:', '  device: pc'));
    fake.edit(d, gpt2('weights:', '  device: pcmm'));
    assert.equal(timers.pending.size, 1);
    assert.equal(analyses, before);
    assert.deepEqual(timers.delays, [300, 300, 300]);
    timers.fireAll();
    await until(() => shown(d)!.some((x) => x.code === 'unknown-value'), 'revalidation');
    assert.equal(analyses, before + 1);
    assert.deepEqual(
      shown(d)!.map((x) => x.range),
      [new Range(4, 10, 4, 14)],
    );
  });

  test('a result for an older version is dropped', async () => {
    const d = unannounced('/work/b.aimc.yaml', gpt2('weights:', '  adc_bits: 6'));
    const running = diagnostics.validate(d as never);
    d.version++;
    await running;
    assert.equal(shown(d), undefined);
    await diagnostics.validate(d as never);
    assert.equal(shown(d)!.length, 1);
  });

  test('closing a config clears its problems and any pending validation', async () => {
    const d = fake.open('/work/a.aimc.yaml', gpt2('weights:', '  adc_bits: 6'));
    await until(() => shown(d) !== undefined, 'diagnostics');
    fake.edit(d, gpt2('weights:', '  adc_bit: 6'));
    fake.close(d);
    assert.equal(shown(d), undefined);
    assert.equal(timers.pending.size, 0);
  });

  test('a Hugging Face file is read through workspace.fs, relative to the config', async () => {
    const text = 'version: 1\nmodel:\n  huggingface: hf/config.json\n';
    const missing = fake.open('/work/m/a.aimc.yaml', text);
    await until(() => shown(missing) !== undefined, 'diagnostics');
    assert.deepEqual(
      shown(missing)!.map((x) => x.code),
      ['huggingface-unreadable'],
    );
    fake.files.set(
      '/work/m/hf/config.json',
      JSON.stringify({ model_type: 'gpt2', n_layer: 2, n_embd: 64, n_head: 4, vocab_size: 100, n_positions: 128 }),
    );
    const present = fake.open('/work/m/b.aimc.yaml', text);
    await until(() => shown(present) !== undefined, 'diagnostics');
    assert.ok(!shown(present)!.some((x) => x.severity === DiagnosticSeverity.Error), JSON.stringify(shown(present)));
  });

  test("a JSON config shows the semantic problems only: its schema problems come from VS Code's JSON validation", async () => {
    const schemaProblem = fake.open('/work/s.aimc.json', '{ "version": 1, "model": { "preset": "gtp2" } }');
    const semanticProblem = fake.open(
      '/work/t.aimc.json',
      '{ "version": 1, "model": { "preset": "gpt2" }, "attention": { "window": 4096 } }',
    );
    await until(() => shown(schemaProblem) !== undefined && shown(semanticProblem) !== undefined, 'diagnostics');
    assert.deepEqual(shown(schemaProblem), []);
    assert.deepEqual(
      shown(semanticProblem)!.map((x) => x.code),
      ['window-exceeds-context'],
    );
    assert.deepEqual(
      diagnostics.current(schemaProblem as never)!.map((x) => x.code),
      ['unknown-value'],
    );
  });

  test('a validator failure is logged and leaves no stale problems', async () => {
    let fail = false;
    const flaky = new ConfigDiagnostics(
      fake.api,
      async () => ({
        ...service,
        analyzeWithFiles: (...a: Parameters<typeof service.analyzeWithFiles>) =>
          fail ? Promise.reject(new Error('boom')) : service.analyzeWithFiles(...a),
      }),
      { onError: (m) => output.error(m) },
    );
    const d = unannounced('/work/c.aimc.yaml', gpt2('weights:', '  adc_bits: 6'));
    await flaky.validate(d as never);
    assert.equal(fake.collections.get('aimc')!.get(d.uri.toString())?.length, 1);
    fail = true;
    await flaky.validate(d as never);
    assert.equal(fake.collections.get('aimc')!.get(d.uri.toString()), undefined);
    assert.ok(
      output.lines.some((l) => l.startsWith('ERROR Validating file:///work/c.aimc.yaml failed: Error: boom')),
      output.lines.join('\n'),
    );
    flaky.dispose();
  });
});

describe('providers', () => {
  beforeEach(setup);

  test('completion: items with snippet text, the replaced range and Markdown documentation', async () => {
    const { text, position } = cursor(gpt2('weights:', '  adc:', '    bi|'));
    const d = fake.open('/work/a.aimc.yaml', text);
    const items = (await fake
      .provider<ConfigCompletionProvider>('completion')
      .provideCompletionItems(
        d as never,
        new Position(position.line, position.character) as never,
      )) as unknown as CompletionItem[];
    const bits = items.find((i) => i.label === 'bits')!;
    assert.ok(bits.insertText instanceof SnippetString);
    assert.equal((bits.insertText as SnippetString).value, 'bits: ${1:8}');
    assert.deepEqual(bits.range, new Range(5, 4, 5, 6));
    assert.ok(bits.documentation instanceof MarkdownString);
    assert.match(bits.documentation.value, /Source of the default: IBM aihwkit/);
    assert.equal(bits.detail, 'default 8 · 1 to 16 bits');
    const triggers = fake.registrations.find((r) => r.kind === 'completion')!.extra;
    assert.ok(triggers.includes(':') && triggers.includes(' '));
  });

  test('hover: Markdown documentation over the key', async () => {
    const text = gpt2('', 'technology:', '  clock_ghz: 1');
    const d = fake.open('/work/a.aimc.yaml', text);
    const h = (await fake
      .provider<ConfigHoverProvider>('hover')
      .provideHover(d as never, new Position(5, 4) as never)) as unknown as Hover;
    assert.ok(h instanceof Hover);
    assert.deepEqual(h.range, new Range(5, 2, 5, 11));
    assert.match(h.contents.value, /Unit: GHz/);
    assert.equal(
      await fake.provider<ConfigHoverProvider>('hover').provideHover(d as never, new Position(3, 0) as never),
      undefined,
    );
  });

  test('quick fix: a workspace edit tied to the diagnostic it repairs', async () => {
    const text = gpt2('weights:', '  adc_bits: 6');
    const d = fake.open('/work/a.aimc.yaml', text);
    await until(() => shown(d) !== undefined, 'diagnostics');
    const context = { diagnostics: shown(d)!, triggerKind: 1, only: undefined };
    const actions = (await fake
      .provider<ConfigCodeActionProvider>('codeActions')
      .provideCodeActions(d as never, new Range(4, 3, 4, 3) as never, context as never)) as unknown as CodeAction[];
    assert.equal(actions.length, 1);
    const [a] = actions;
    assert.equal(a.title, 'Write as `adc: { bits: 6 }`');
    assert.equal(a.kind.value, 'quickfix');
    assert.equal(a.isPreferred, true);
    assert.deepEqual(a.diagnostics, shown(d));
    assert.ok(a.edit instanceof WorkspaceEdit);
    assert.deepEqual(
      a.edit.replacements.map((r) => [r.uri.toString(), r.range, r.newText]),
      [['file:///work/a.aimc.yaml', new Range(4, 2, 4, 13), 'adc: { bits: 6 }']],
    );
    const elsewhere = await fake
      .provider<ConfigCodeActionProvider>('codeActions')
      .provideCodeActions(d as never, new Range(0, 0, 0, 0) as never, context as never);
    assert.deepEqual(elsewhere, []);
  });

  test('quick fix on a JSON config repairs a problem reported by the JSON schema validation', async () => {
    const text = '{\n  "version": 1,\n  "model": { "preset": "gtp2" }\n}';
    const d = fake.open('/work/a.aimc.json', text);
    await until(() => diagnostics.current(d as never) !== undefined, 'analysis');
    const actions = (await fake
      .provider<ConfigCodeActionProvider>('codeActions')
      .provideCodeActions(
        d as never,
        new Range(2, 25, 2, 25) as never,
        { diagnostics: [], triggerKind: 2 } as never,
      )) as unknown as CodeAction[];
    assert.deepEqual(
      actions.map((a) => [a.title, a.edit!.replacements[0].newText]),
      [['Change to `gpt2`', '"gpt2"']],
    );
    assert.deepEqual(actions[0].edit!.replacements[0].range, new Range(2, 23, 2, 29));
  });

  test('quick fix for a document not validated yet: analyzed on Ctrl+., not for the automatic light bulb', async () => {
    const text = gpt2('technology:', '  clock_ghz: 50');
    const d = unannounced('/work/late.aimc.yaml', text);
    const r = spanOf(text, 4, '50');
    const range = new Range(r.start.line, r.start.character, r.end.line, r.end.character);
    const provider = fake.provider<ConfigCodeActionProvider>('codeActions');
    const before = analyses;
    assert.deepEqual(
      await provider.provideCodeActions(d as never, range as never, { diagnostics: [], triggerKind: 2 } as never),
      [],
    );
    assert.equal(analyses, before);
    const actions = (await provider.provideCodeActions(
      d as never,
      range as never,
      { diagnostics: [], triggerKind: 1 } as never,
    )) as unknown as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Clamp to 10 GHz'],
    );
    assert.equal(analyses, before + 1);
  });

  test('CodeLens: Simulate · Sweep · Compare with GPUs above the first key, passing the document', async () => {
    const d = fake.open('/work/a.aimc.yaml', `# header\n${gpt2()}`);
    const lenses = (await fake
      .provider<ConfigCodeLensProvider>('codeLens')
      .provideCodeLenses(d as never)) as unknown as CodeLens[];
    assert.deepEqual(
      lenses.map((l) => [l.command.title, l.command.command]),
      [
        ['Simulate', 'aimc.simulate'],
        ['Sweep', 'aimc.runSweep'],
        ['Compare with GPUs', 'aimc.compareBaselines'],
      ],
    );
    assert.deepEqual(lenses[0].range, new Range(1, 0, 1, 0));
    assert.equal(lenses[0].command.arguments![0], d.uri);
  });

  test('outline: nested document symbols', async () => {
    const d = fake.open('/work/a.aimc.yaml', gpt2('weights:', '  adc: { bits: 8 }'));
    const symbols = (await fake
      .provider<ConfigSymbolProvider>('symbols')
      .provideDocumentSymbols(d as never)) as unknown as DocumentSymbol[];
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['version', 'model', 'weights'],
    );
    const weights = symbols[2];
    assert.deepEqual(
      weights.children.map((c) => c.name),
      ['adc'],
    );
    assert.deepEqual(
      weights.children[0].children.map((c) => [c.name, c.detail]),
      [['bits', '8']],
    );
    assert.deepEqual(weights.selectionRange, new Range(3, 0, 3, 7));
  });
});
