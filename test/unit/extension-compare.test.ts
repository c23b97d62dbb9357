/**
 * Comparing designs, the tile map's "Show in config" and the walkthrough, against the fake
 * `vscode` with the worker's handlers running in process.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { WALKTHROUGH_ID, WALKTHROUGH_SHOWN_KEY, openWalkthroughOnce } from '../../src/extension/onboarding';
import type { ShowComparisonMessage, ShowResultMessage, ShowSweepMessage } from '../../src/shared/webviewProtocol';
import { example, hostFixture, RecordingLog, type Fixture } from './extension-host-fixture';
import { Uri } from './language-fake-vscode';

let f: Fixture;

function run(id: string, ...args: unknown[]): Promise<unknown> {
  const command = f.fake.commands.get(id);
  assert.ok(command, `${id} is registered`);
  return Promise.resolve(command(...args));
}

function posted<T>(type: string): T[] {
  return (f.fake.panels.at(-1)?.webview.posted ?? []).filter((m) => (m as { type: string }).type === type) as T[];
}

async function readyPanel(): Promise<void> {
  const p = f.fake.panels.at(-1);
  assert.ok(p, 'the panel opened');
  await p.webview.send({ type: 'ready', view: 'panel' });
}

/** The workspace's configs as `findFiles` returns them (the fake has no file search of its own). */
function workspaceFiles(...paths: string[]): void {
  (f.fake.api.workspace as unknown as { findFiles: unknown }).findFiles = async () => paths.map((p) => Uri.file(p));
}

const pick = (label: string) => (items: unknown) => (items as Array<{ label: string }>).find((i) => i.label === label);

describe('Compare Designs', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test('two configs of the workspace, picked A then B, side by side in the Compare tab with their config difference', async () => {
    f.fake.files.set('/work/a.aimc.yaml', example('gpt2-gaincell.aimc.yaml'));
    f.fake.files.set('/work/b.aimc.yaml', example('gpt2-hybrid.aimc.yaml'));
    workspaceFiles('/work/b.aimc.yaml', '/work/a.aimc.yaml');
    f.fake.user.answer('quickPick', pick('a.aimc.yaml'), pick('b.aimc.yaml'));
    await run('aimc.compareDesigns');
    const [first, second] = f.fake.user.callsOf('quickPick');
    assert.deepEqual(
      (first.shown as Array<{ label: string }>).map((i) => i.label),
      ['a.aimc.yaml', 'b.aimc.yaml'],
    );
    assert.deepEqual(
      (second.shown as Array<{ label: string }>).map((i) => i.label),
      ['b.aimc.yaml'],
      'B is picked among the others',
    );
    await readyPanel();
    const [{ comparison: c }] = posted<ShowComparisonMessage>('showComparison');
    assert.equal(c.a.result.name, 'GPT-2 with gain-cell attention (Leroux et al. 2025)');
    assert.equal(c.b.source.label, 'b.aimc.yaml');
    assert.deepEqual(
      c.configChanges.find((ch) => ch.path === 'weights.device'),
      { path: 'weights.device', a: 'pcm', b: 'rram' },
    );
    assert.deepEqual(
      posted<{ tab: string }>('reveal').map((m) => m.tab),
      ['compare'],
    );
    assert.equal(f.host.ctx.store.shown, null, 'the other tabs keep what they showed');
  });

  test("the explorer's two selected configs are compared without asking", async () => {
    f.fake.files.set('/work/a.aimc.yaml', example('gpt2-gaincell.aimc.yaml'));
    f.fake.files.set(
      '/work/b.aimc.yaml',
      example('gpt2-gaincell.aimc.yaml').replace('bits: 8, columns', 'bits: 6, columns'),
    );
    await run('aimc.compareDesigns', Uri.file('/work/a.aimc.yaml'), [
      Uri.file('/work/a.aimc.yaml'),
      Uri.file('/work/b.aimc.yaml'),
    ]);
    assert.equal(f.fake.user.callsOf('quickPick').length, 0);
    const c = f.host.ctx.store.comparison!;
    assert.deepEqual(c.configChanges, [{ path: 'weights.adc.bits', a: '8', b: '6' }]);
    assert.ok(c.b.result.perToken.energyJ < c.a.result.perToken.energyJ, 'fewer ADC bits, less energy');
  });

  test('with fewer than two configs around, it says so and simulates nothing', async () => {
    workspaceFiles('/work/a.aimc.yaml');
    await run('aimc.compareDesigns');
    assert.match(f.fake.messages[0].text, /comparing needs two configs/);
    assert.equal(f.pools().length, 0);
  });

  test('simulating a config again after an edit compares the run with the previous one', async () => {
    const d = f.fake.open('/work/g.aimc.yaml', example('gpt2-gaincell.aimc.yaml'));
    f.fake.activate(d);
    await run('aimc.simulate');
    assert.equal(f.host.ctx.store.comparison, null, 'a first run has nothing to compare with');
    f.fake.edit(d, d.getText().replace('adc: { bits: 8', 'adc: { bits: 6'));
    await run('aimc.simulate');
    const c = f.host.ctx.store.comparison!;
    assert.deepEqual([c.a.role, c.b.role], ['previous run', 'this run']);
    assert.deepEqual(c.configChanges, [{ path: 'weights.adc.bits', a: '8', b: '6' }]);
    assert.equal(c.b.result, f.host.ctx.store.shown!.result);
    // Simulating it again unchanged keeps the comparison of the last change.
    await run('aimc.simulate');
    assert.equal(f.host.ctx.store.comparison, c);
  });

  test("a sweep point's Compare: the point's design against the sweep's base", async () => {
    const d = f.fake.open('/work/g.aimc.yaml', example('gpt2-gaincell.aimc.yaml'));
    f.fake.activate(d);
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).filter((i) => i.label === 'weights.adc.bits'),
    );
    f.fake.user.answer('inputBox', '6,8');
    f.fake.user.answer('quickPick', pick('Cost only'));
    await run('aimc.runSweep');
    await readyPanel();
    const [{ sweep }] = posted<ShowSweepMessage>('showSweep');
    await f.fake.panels[0].webview.send({ type: 'compareDesignPoint', sweepId: sweep.id, pointId: '0' });
    const c = f.host.ctx.store.comparison!;
    assert.deepEqual([c.a.role, c.b.role], ['sweep base', 'sweep point 0']);
    assert.deepEqual(c.configChanges, [{ path: 'weights.adc.bits', a: '8', b: '6' }]);
    assert.equal(c.b.result.perToken.energyJ, sweep.points[0].energyPerTokenJ, 'the same design the sweep costed');
  });
});

describe('Show in config', () => {
  beforeEach(() => {
    f = hostFixture();
    // What the fake lacks: selections and reveal.
    const api = f.fake.api as unknown as Record<string, unknown>;
    api.Selection = class {
      constructor(
        readonly anchor: { line: number; character: number },
        readonly active: { line: number; character: number },
      ) {}
    };
    api.TextEditorRevealType = { InCenterIfOutsideViewport: 2 };
    const window = f.fake.api.window as unknown as {
      showTextDocument: (d: unknown) => Promise<Record<string, unknown>>;
    };
    const show = window.showTextDocument;
    window.showTextDocument = async (d) => {
      const editor = await show(d);
      editor.revealRange = (r: unknown) => (editor.revealed = r);
      return editor;
    };
  });

  test('selects the lines that place the clicked matrix, the applying override first', async () => {
    const text = example('gpt2-hybrid.aimc.yaml');
    const d = f.fake.open('/work/h.aimc.yaml', text);
    f.fake.activate(d);
    await run('aimc.simulate');
    await readyPanel();
    await f.fake.panels[0].webview.send({ type: 'revealConfig', layer: -1, matrix: 'lm_head' });
    const editor = f.fake.api.window.activeTextEditor as unknown as {
      document: { uri: Uri };
      selections: Array<{ anchor: { line: number } }>;
      revealed: unknown;
    };
    assert.equal(editor.document.uri.toString(), d.uri.toString());
    const lines = text.split('\n');
    const selected = editor.selections.map((s) => lines[s.anchor.line].trim());
    assert.deepEqual(selected, [
      '- matrices: [lm_head]',
      'device: rram',
      'array: { rows: 128, cols: 128 }',
      'bits_per_cell: 2',
      'weight_bits: 8',
      'mapping: bit-sliced',
    ]);
    assert.equal(editor.revealed, editor.selections[0]);
  });
});

describe('walkthrough', () => {
  test('opens once per profile, never in a test run, and not when walkthroughs on install are off', async () => {
    const executed: unknown[][] = [];
    let openOnInstall = false;
    const api = {
      commands: { executeCommand: async (...a: unknown[]) => executed.push(a) },
      workspace: {
        getConfiguration: (section: string) => ({
          get: (key: string, fallback: unknown) =>
            section === 'workbench.welcomePage' && key === 'walkthroughs.openOnInstall' ? openOnInstall : fallback,
        }),
      },
    } as never;
    const state = new Map<string, unknown>();
    const memento = {
      get: <T>(k: string) => state.get(k) as T,
      update: async (k: string, v: unknown) => void state.set(k, v),
    };
    const log = new RecordingLog();
    assert.equal(await openWalkthroughOnce(api, memento, false, log), false);
    openOnInstall = true;
    assert.equal(await openWalkthroughOnce(api, memento, true, log), false);
    assert.equal(executed.length, 0);
    assert.equal(await openWalkthroughOnce(api, memento, false, log), true);
    assert.deepEqual(executed, [['workbench.action.openWalkthrough', WALKTHROUGH_ID, false]]);
    assert.equal(state.get(WALKTHROUGH_SHOWN_KEY), true);
    assert.equal(await openWalkthroughOnce(api, memento, false, log), false);
    assert.equal(executed.length, 1);
  });

  test('"Open an Example" opens the first example as a new config, ready to simulate', async () => {
    f = hostFixture();
    f.fake.user.answer('quickPick', (items: unknown) => (items as unknown[])[0]);
    await run('aimc.openExample');
    const offered = f.fake.user.callsOf('quickPick')[0].shown as Array<{ description: string }>;
    assert.equal(offered[0].description, 'gpt2-gaincell.aimc.yaml');
    assert.ok(!offered.some((o) => o.description === 'llama3-8b-huggingface.aimc.yaml'), 'not one that reads files');
    const doc = f.fake.shownDocuments.at(-1)!;
    assert.equal(doc.getText(), example('gpt2-gaincell.aimc.yaml'));
    assert.equal(doc.languageId, 'aimc');
    await run('aimc.simulate');
    await readyPanel();
    assert.equal(
      posted<ShowResultMessage>('showResult')[0].result.name,
      'GPT-2 with gain-cell attention (Leroux et al. 2025)',
    );
  });
});
