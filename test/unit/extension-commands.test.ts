/**
 * The commands against the fake `vscode`, with the worker's handlers running in process: what a
 * user sees after each (the panel and what it was sent, the status bar, messages, files written),
 * the restart budget as the user meets it, and package.json agreeing with what is registered.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { GPU_IDS } from '../../src/shared/gpuIds';
import { formatEngineering } from '../../src/shared/format';
import type { SimulationResult } from '../../src/shared/result';
import { statusBarContent } from '../../src/extension/results/statusBar';
import type { ShowResultMessage, ShowSweepMessage, SweepView } from '../../src/shared/webviewProtocol';
import { example, hostFixture, ROOT, until, type Fixture } from './extension-host-fixture';
import type { FakeDocument } from './language-fake-vscode';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

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

function openGpt2(path = '/work/gpt2.aimc.yaml', text = example('gpt2-gaincell.aimc.yaml')): FakeDocument {
  const d = f.fake.open(path, text);
  f.fake.activate(d);
  return d;
}

const statusBar = () => f.fake.statusBarItems.find((i) => i.id === 'aimc.energyPerToken')!;

describe('package.json and registration', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test('every contributed command is registered, under the AIMC category, and nothing else', () => {
    const contributed = pkg.contributes.commands as Array<{ command: string; category: string; title: string }>;
    assert.deepEqual(contributed.map((c) => c.command).sort(), [...f.fake.commands.keys()].sort());
    for (const c of contributed) assert.equal(c.category, 'AIMC', c.command);
    for (const id of [
      'aimc.simulate',
      'aimc.runSweep',
      'aimc.compareBaselines',
      'aimc.showTileMap',
      'aimc.newConfig',
      'aimc.importHuggingFace',
      'aimc.exportResults',
      'aimc.cancel',
    ]) {
      assert.ok(f.fake.commands.has(id), id);
    }
  });

  test("activation is implicit and narrow; the settings are contributed with the engine's GPU ids", () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(
      pkg.activationEvents.every((e: string) =>
        /^(onLanguage:aimc|workspaceContains:|onWebviewPanel:aimc\.results$)/.test(e),
      ),
      pkg.activationEvents.join(),
    );
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.equal(pkg.capabilities.virtualWorkspaces, true);
    const props = pkg.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props).sort(), [
      'aimc.allowFilesOutsideWorkspace',
      'aimc.autoSimulateOnSave',
      'aimc.defaultBaselines',
      'aimc.workerCount',
    ]);
    assert.deepEqual(props['aimc.defaultBaselines'].items.enum, GPU_IDS);
    assert.equal(pkg.contributes.views.aimc[0].id, 'aimc.sidebar');
    assert.equal(pkg.contributes.views.aimc[0].type, 'webview');
  });

  test('building the host starts no worker and loads no engine', () => {
    assert.equal(f.pools().length, 0);
    assert.equal(f.loads(), 0);
    assert.equal(f.fake.panels.length, 0);
    assert.equal(statusBar().visible, false, 'no config is active');
  });
});

describe('Simulate', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test('simulates the active config on the pool, opens the panel with the result, and the status bar shows its energy per token', async () => {
    const d = openGpt2();
    assert.equal(statusBar().text, '$(pulse) AIMC: simulate');
    await run('aimc.simulate');
    assert.equal(f.pools().length, 1);
    assert.deepEqual(
      f.pools()[0].requests.map((r) => r.type),
      ['simulate'],
    );
    await readyPanel();
    const [shown] = posted<ShowResultMessage>('showResult');
    assert.equal(shown.result.name, 'GPT-2 with gain-cell attention (Leroux et al. 2025)');
    assert.equal(shown.source.uri, d.uri.toString());
    assert.equal(statusBar().text, `$(pulse) ${formatEngineering(shown.result.perToken.energyJ, 'J')}/token`);
    assert.equal(statusBar().command, 'aimc.showResults');
    assert.ok(
      f.fake.progress.some((p) => p.options.title === 'AIMC: Simulating gpt2.aimc.yaml' && p.options.cancellable),
    );
    const perToken = `${formatEngineering(shown.result.perToken.energyJ, 'J')} and ${formatEngineering(shown.result.perToken.latencyS, 's')} per token`;
    assert.ok(f.log.has('info', new RegExp(`gpt2\\.aimc\\.yaml: ${perToken}`)), f.log.lines.join('\n'));
  });

  test('the CodeLens passes the config URI; a config with errors is reported and never sent to a worker', async () => {
    const bad = f.fake.open('/work/bad.aimc.yaml', 'version: 1\nmodel: { preset: gpt2 }\nweights: { adc_bits: 6 }\n');
    await run('aimc.simulate', bad.uri);
    assert.equal(f.pools().length, 0);
    assert.deepEqual(f.fake.messages, [
      { level: 'error', text: 'AIMC: bad.aimc.yaml has errors; see the Problems view.' },
    ]);
    assert.ok(f.log.has('info', /bad\.aimc\.yaml:3:12: error: Unknown key `adc_bits`/), f.log.lines.join('\n'));
    assert.equal(f.host.ctx.store.status.state, 'error');
  });

  test('without a config at hand, it says what to open', async () => {
    f.fake.activate(f.fake.open('/work/readme.md', '# hi', 'markdown'));
    await run('aimc.simulate');
    assert.equal(f.fake.messages[0].level, 'warning');
    assert.match(f.fake.messages[0].text, /Open an AIMC config/);
    assert.equal(statusBar().visible, false, 'not a config: no energy in the status bar');
  });

  test('a config without baselines is compared with the aimc.defaultBaselines setting', async () => {
    f.fake.setting('aimc.defaultBaselines', ['rtx-4090', 'a100', 'no-such-gpu']);
    openGpt2('/work/plain.aimc.yaml', 'version: 1\nmodel: { preset: gpt2 }\n');
    await run('aimc.simulate');
    assert.deepEqual(
      f.host.ctx.store.shown!.result.baselines.map((b) => b.id),
      ['rtx-4090', 'a100'],
    );
  });

  test('a Hugging Face config.json named by the config is read through workspace.fs and sent with the request', async () => {
    f.fake.files.set(
      '/work/hf/llama-3-8b.config.json',
      readFileSync(join(ROOT, 'examples/hf/llama-3-8b.config.json'), 'utf8'),
    );
    openGpt2('/work/llama3.aimc.yaml', example('llama3-8b-huggingface.aimc.yaml'));
    await run('aimc.simulate');
    const payload = f.pools()[0].requests[0].payload as { files: Record<string, string> };
    assert.deepEqual(Object.keys(payload.files), ['hf/llama-3-8b.config.json']);
    assert.equal(f.host.ctx.store.shown!.result.model.layers, 32);
  });

  test('with a functional section, Simulate also runs the accuracy check and shows the Accuracy tab', async () => {
    openGpt2('/work/tiny.aimc.yaml', example('tiny-accuracy.aimc.yaml'));
    await run('aimc.simulate');
    assert.deepEqual(
      f.pools()[0].requests.map((r) => r.type),
      ['simulate', 'functional-run'],
    );
    await readyPanel();
    const [accuracy] = posted<{ accuracy: { rows: unknown[]; name: string } }>('showAccuracy');
    assert.ok(accuracy.accuracy.rows.length > 0);
    assert.match(accuracy.accuracy.name, /Tiny GPT-2-like model, functional check: functional simulation/);
    assert.deepEqual(
      posted<{ tab: string }>('reveal').map((m) => m.tab),
      ['accuracy'],
    );
  });

  test('on save, with aimc.autoSimulateOnSave, it simulates quietly: status bar, no panel, no pop-up', async () => {
    const d = openGpt2();
    f.fake.save(d);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(f.pools().length, 0, 'off by default');
    f.fake.setting('aimc.autoSimulateOnSave', true);
    f.fake.save(d);
    await until(() => f.host.ctx.store.summaryFor(d.uri.toString()) !== undefined, 'the quiet simulation');
    assert.equal(f.fake.panels.length, 0);
    assert.deepEqual(f.fake.messages, []);
    assert.equal(f.fake.progress[0].options.location, 10, 'progress in the status bar (Window)');
    assert.match(statusBar().text, /J\/token$/);
  });
});

describe('when workers crash', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test('a crash is reported with a Show Log button; the next run works', async () => {
    openGpt2();
    await run('aimc.simulate');
    f.pools()[0].crashes = 1;
    f.fake.user.answer('message', 'Show Log');
    await run('aimc.simulate');
    assert.match(f.fake.messages.at(-1)!.text, /^AIMC: The simulation worker crashed and was restarted/);
    assert.deepEqual((f.fake.user.callsOf('message').at(-1)!.shown as { items: string[] }).items, ['Show Log']);
    assert.equal(f.log.shown, 1);
    assert.equal(f.host.ctx.store.status.state, 'error');
    await run('aimc.simulate');
    assert.equal(f.host.ctx.store.status.state, 'idle');
  });

  test('after 6 crashes in 3 minutes it stops and explains; Retry restarts the workers and runs again', async () => {
    openGpt2();
    await run('aimc.simulate');
    const pool = f.pools()[0];
    for (let i = 0; i < 5; i++) {
      pool.crashes = 1;
      await run('aimc.simulate');
    }
    pool.crashes = 1;
    f.fake.user.answer('message', 'Retry');
    const before = posted('showResult').length;
    await run('aimc.simulate');
    const stop = f.fake.messages.at(-1)!;
    assert.match(stop.text, /crashed 6 times within 3 minutes, so AIMC stopped restarting it/);
    assert.deepEqual((f.fake.user.callsOf('message').at(-1)!.shown as { items: string[] }).items, [
      'Retry',
      'Show Log',
    ]);
    assert.equal(f.host.ctx.service.stopped, null, 'Retry restarted the service');
    assert.equal(f.pools().length, 2, 'with a fresh pool');
    assert.equal(f.host.ctx.store.status.state, 'idle', 'and the rerun succeeded');
    assert.ok(posted('showResult').length >= before);
  });

  test('Cancel with nothing running says so', async () => {
    await run('aimc.cancel');
    assert.deepEqual(f.fake.messages, [{ level: 'info', text: 'AIMC: nothing is running.' }]);
  });

  test('cancelling the progress notification cancels the run, quietly', async () => {
    openGpt2();
    await run('aimc.simulate');
    f.pools()[0].hold = true;
    const running = run('aimc.simulate');
    await until(() => f.fake.progress.length === 2 && f.pools()[0].requests.length === 2, 'the second run');
    f.fake.progress[1].cancel();
    f.pools()[0].release();
    await running;
    assert.deepEqual(f.fake.messages, []);
    assert.ok(f.log.has('info', /Simulating gpt2\.aimc\.yaml: cancelled/));
  });
});

describe('Compare, Show Tile Map, Export', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test("Compare offers every GPU with the config's baselines picked, and simulates against the chosen ones", async () => {
    openGpt2();
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ id: string; picked: boolean }>).filter((i) => i.id === 'h200' || i.id === 'a100'),
    );
    await run('aimc.compareBaselines');
    const [call] = f.fake.user.callsOf('quickPick');
    const items = call.shown as Array<{ id: string; picked: boolean }>;
    assert.deepEqual(
      items.map((i) => i.id),
      GPU_IDS,
    );
    assert.deepEqual(
      items.filter((i) => i.picked).map((i) => i.id),
      ['jetson-nano', 'rtx-4090', 'h100'],
    );
    assert.equal((call.options as { canPickMany: boolean }).canPickMany, true);
    assert.deepEqual(
      f.host.ctx.store.shown!.result.baselines.map((b) => b.id),
      ['a100', 'h200'],
    );
    assert.ok(f.log.has('info', /against GPU baselines[\s\S]*NVIDIA A100 SXM 80GB: [\d.,]+× the speed/));
  });

  test('Show Tile Map reveals the tile map of the shown result, simulating the active config first if needed', async () => {
    const d = openGpt2();
    await run('aimc.showTileMap');
    assert.equal(f.pools()[0].requests.length, 1, 'simulated first');
    await readyPanel();
    assert.deepEqual(
      posted<{ tab: string }>('reveal').map((m) => m.tab),
      ['tiles'],
    );
    await run('aimc.showTileMap', d.uri);
    assert.equal(f.pools()[0].requests.length, 1, "the shown result is this config's: no new simulation");
    assert.deepEqual(
      posted<{ tab: string }>('reveal').map((m) => m.tab),
      ['tiles', 'tiles'],
    );
  });

  test('Export writes the JSON the CLI writes to the file the user chose; backing out writes nothing', async () => {
    openGpt2();
    await run('aimc.simulate');
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'JSON'),
    );
    f.fake.user.answer('saveDialog', (_: unknown, o: unknown) => (o as { defaultUri: { path: string } }).defaultUri);
    await run('aimc.exportResults');
    const json = f.fake.writtenText('/work/gpt-2-with-gain-cell-attention-leroux-et-al-2025.json');
    assert.ok(json, [...f.fake.written.keys()].join());
    const r = JSON.parse(json!) as SimulationResult;
    assert.equal(r.perToken.energyJ, f.host.ctx.store.shown!.result.perToken.energyJ);
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'CSV'),
    );
    await run('aimc.exportResults');
    assert.equal(f.fake.written.size, 1, 'the save dialog was dismissed');
  });

  test('Export as PNG asks the panel for its charts and writes one file each into the chosen folder', async () => {
    openGpt2();
    await run('aimc.simulate');
    await readyPanel();
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'PNG'),
    );
    f.fake.user.answer('openDialog', [f.fake.api.Uri.file('/work/out')]);
    const exporting = run('aimc.exportResults');
    await until(() => posted('collectCharts').length === 1, 'the chart request');
    const { requestId } = posted<{ requestId: number }>('collectCharts')[0];
    await f.fake.panels[0].webview.send({
      type: 'export',
      format: 'png',
      requestId,
      images: ['energy-by-component', 'tile-map'].map((name) => ({
        name,
        dataUrl: `data:image/png;base64,${png}`,
        width: 1,
        height: 1,
      })),
    });
    await exporting;
    const files = [...f.fake.written.keys()].sort();
    assert.deepEqual(files, [
      '/work/out/gpt-2-with-gain-cell-attention-leroux-et-al-2025-energy-by-component.png',
      '/work/out/gpt-2-with-gain-cell-attention-leroux-et-al-2025-tile-map.png',
    ]);
    assert.deepEqual([...f.fake.written.get(files[0])!.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  test('Export with no result yet says so', async () => {
    await run('aimc.exportResults');
    assert.match(f.fake.messages[0].text, /nothing to export yet/);
  });
});

describe('Run Sweep', () => {
  beforeEach(() => {
    f = hostFixture();
  });

  test('offers the keys with current values, prefills a range around the value, runs the grid and opens a design point', async () => {
    const d = openGpt2();
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).filter((i) => i.label === 'weights.adc.bits'),
    );
    let validate: ((v: string) => unknown) | undefined;
    f.fake.user.answer('inputBox', (value: unknown, o: unknown) => {
      validate = (o as { validateInput(v: string): unknown }).validateInput;
      return value;
    });
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).find((i) => i.label === 'Cost only'),
    );
    await run('aimc.runSweep');
    const keys = f.fake.user.callsOf('quickPick')[0].shown as Array<{ label: string; description: string }>;
    assert.equal(keys[0].label, 'weights.adc.bits', 'common keys first');
    assert.equal(keys[0].description, '8 bits');
    assert.ok(!keys.some((k) => k.label.startsWith('model.') || k.label === 'version'));
    assert.equal(f.fake.user.callsOf('inputBox')[0].shown, '6..10');
    assert.equal(validate!('4..12'), undefined);
    assert.match(String(validate!('4..40')), /above the maximum 16/);
    await readyPanel();
    const [{ sweep }] = posted<ShowSweepMessage>('showSweep');
    assert.deepEqual(
      sweep.points.map((p) => p.values['weights.adc.bits']),
      [6, 7, 8, 9, 10],
    );
    assert.deepEqual(
      sweep.points.map((p) => p.id),
      ['0', '1', '2', '3', '4'],
    );
    assert.deepEqual(
      posted<{ tab: string }>('reveal').map((m) => m.tab),
      ['sweep'],
    );
    // Clicking design 0 opens the base config with adc.bits = 6, comments kept, saved next to the base.
    await f.fake.panels[0].webview.send({ type: 'openDesignPoint', sweepId: sweep.id, pointId: '0' });
    const opened = f.fake.shownDocuments.at(-1)!;
    assert.equal(opened.uri.toString(), 'untitled:///work/gpt2.design-0.aimc.yaml');
    assert.match(
      opened.getText(),
      /^# Design 0 of a sweep of GPT-2 with gain-cell attention \(Leroux et al\. 2025\): weights\.adc\.bits = 6\.\n# GPT-2 \(124M\)/,
    );
    assert.match(opened.getText(), /adc: \{ bits: 6, columns_per_adc: 8 \}/);
    assert.equal(d.getText(), example('gpt2-gaincell.aimc.yaml'), 'the base is untouched');
  });

  test('a point of a sweep the host no longer holds, or that does not exist, is refused with a message', async () => {
    f.host.panel.show();
    await f.fake.panels[0].webview.send({ type: 'openDesignPoint', sweepId: 'sweep-99', pointId: '0' });
    assert.match(f.fake.messages[0].text, /no longer held/);
    assert.equal(f.fake.shownDocuments.length, 0);
  });

  test('backing out at any step runs nothing', async () => {
    openGpt2();
    await run('aimc.runSweep');
    f.fake.user.answer('quickPick', (items: unknown) => (items as Array<{ label: string }>).slice(0, 1));
    await run('aimc.runSweep');
    assert.equal(f.pools().length, 0);
    assert.equal(f.host.ctx.store.sweep, null);
  });
});

describe('status bar', () => {
  test('text for a result, for no result, and while running', () => {
    const summary = { name: 'd', energyPerTokenJ: 1.16e-5, latencyPerTokenS: 7.19e-6, tokensPerSecond: 139_000 };
    assert.deepEqual(statusBarContent(summary, false).text, '$(pulse) 11.6 µJ/token');
    assert.match(statusBarContent(summary, false).tooltip, /latency per token 7\.19 µs, 139 ktok\/s/);
    assert.deepEqual(statusBarContent(undefined, false), {
      text: '$(pulse) AIMC: simulate',
      tooltip: 'AIMC: no result for this config yet. Click to simulate it.',
      command: 'aimc.simulate',
    });
    assert.equal(statusBarContent(summary, true).text, '$(sync~spin) AIMC');
  });

  test('follows the active editor; with the panel focused (no text editor) it shows the shown result', async () => {
    f = hostFixture();
    const a = openGpt2();
    await run('aimc.simulate');
    const energy = statusBar().text;
    const other = f.fake.open('/work/other.aimc.yaml', 'version: 1\nmodel: { preset: gpt2 }\n');
    f.fake.activate(other);
    assert.equal(statusBar().text, '$(pulse) AIMC: simulate');
    f.fake.activate(f.fake.open('/work/notes.md', '', 'markdown'));
    assert.equal(statusBar().visible, false);
    f.fake.activate(undefined);
    assert.equal(statusBar().visible, true);
    assert.equal(statusBar().text, energy);
    f.fake.activate(a);
    assert.equal(statusBar().text, energy);
  });
});

describe('sweep view adapter in the panel', () => {
  test('failed points carry their reason and no figures', async () => {
    f = hostFixture();
    openGpt2();
    f.fake.user.answer('quickPick', (items: unknown) =>
      (items as Array<{ label: string }>).filter((i) => i.label === 'attention.window'),
    );
    // GPT-2's context is 1024 tokens: a 2048-token window does not validate.
    f.fake.user.answer('inputBox', '512,1024,2048');
    f.fake.user.answer('quickPick', (items: unknown) => (items as Array<{ label: string }>)[0]);
    await run('aimc.runSweep');
    const view: SweepView = f.host.ctx.store.sweep!.view;
    const failed = view.points.filter((p) => p.failure !== null);
    assert.ok(failed.length >= 1, JSON.stringify(view.points.map((p) => p.failure)));
    for (const p of failed) {
      assert.ok(Number.isNaN(p.energyPerTokenJ));
      assert.equal(p.areaMm2, null);
      assert.match(p.failure!, /^invalid: /);
    }
    assert.equal(view.error.label, 'no error figure (cost-only sweep)');
  });
});
