/**
 * The results panel and side view hosts against the fake `vscode`: how the panel is made (scripts
 * on, resources from dist/ and media/ only, not kept alive when hidden), what it is sent and when,
 * the serializer, chart collection for export, and the messages from the page: checked, and an
 * invalid one logged and dropped without effect.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { analyzeConfig } from '../../src/engine/analyze';
import type { SimulationResult } from '../../src/shared/result';
import { RESULTS_VIEW_TYPE } from '../../src/extension/panel/resultsPanel';
import { SIDEBAR_VIEW_ID } from '../../src/extension/panel/sidebarView';
import type { ShowResultMessage } from '../../src/shared/webviewProtocol';
import { example, hostFixture, type Fixture } from './extension-host-fixture';
import { FakeWebviewPanel, Uri } from './language-fake-vscode';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let f: Fixture;
let gpt2: SimulationResult;

function panel(): FakeWebviewPanel {
  const p = f.fake.panels.at(-1);
  assert.ok(p, 'a panel was created');
  return p;
}

function showGpt2(): void {
  f.host.ctx.store.setResult('file:///work/gpt2.aimc.yaml', 'gpt2.aimc.yaml', gpt2);
}

describe('results panel', () => {
  beforeEach(() => {
    f = hostFixture();
    gpt2 ??= analyzeConfig(example('gpt2-gaincell.aimc.yaml')).result!;
  });

  test('is created with scripts on, resources from dist/ and media/ only, and not kept alive when hidden', () => {
    f.host.panel.show();
    const p = panel();
    assert.equal(p.viewType, RESULTS_VIEW_TYPE);
    assert.equal(p.createOptions.enableScripts, true);
    assert.equal(p.createOptions.retainContextWhenHidden, undefined);
    assert.deepEqual(
      (p.createOptions.localResourceRoots as Uri[]).map((u) => u.path),
      ['/ext/dist', '/ext/media'],
    );
    const html = p.webview.html;
    const nonce = /script-src 'nonce-([^']+)'/.exec(html.replace(/&#39;|&apos;/g, "'"))?.[1];
    assert.ok(nonce, 'a script nonce in the CSP');
    assert.match(
      html,
      new RegExp(`<script nonce="${nonce!.replace(/[+/=]/g, '\\$&')}" src="https:///ext/dist/webview.js"></script>`),
    );
    // code-server's cspSource is a list of sources; the page must accept it as it is.
    assert.match(
      html,
      /style-src &#39;self&#39; https:\/\/\*\.vscode-cdn\.net|style-src 'self' https:\/\/\*\.vscode-cdn\.net/,
    );
  });

  test('on ready the page gets the last result, sweep, accuracy and status; after a hide only the status again', async () => {
    showGpt2();
    f.host.ctx.store.setAccuracy({ name: 'acc', task: null, metrics: [], rows: [], overall: null, notes: [] });
    f.host.panel.show();
    const p = panel();
    assert.deepEqual(p.webview.posted, [], 'nothing before the page is ready');
    await p.webview.send({ type: 'ready', view: 'panel' });
    assert.deepEqual(p.webview.types(), ['showResult', 'showAccuracy', 'status']);
    assert.equal((p.webview.posted[0] as ShowResultMessage).result, gpt2);
    p.hide();
    showGpt2(); // a new result while hidden waits for the page
    assert.equal(p.webview.posted.length, 3);
    await p.webview.send({ type: 'ready', view: 'panel' });
    assert.deepEqual(p.webview.types().slice(3), ['showResult', 'status']);
    await p.webview.send({ type: 'ready', view: 'panel' });
    assert.deepEqual(p.webview.types().slice(5), ['status'], 'a page that has the result is not sent it again');
  });

  test('results and status reach a ready page as they happen', async () => {
    f.host.panel.show();
    const p = panel();
    await p.webview.send({ type: 'ready', view: 'panel' });
    showGpt2();
    f.host.ctx.store.setStatus('running', 'Simulating…');
    assert.deepEqual(p.webview.types(), ['status', 'showResult', 'status']);
  });

  test('show(tab) sends a reveal once the page is ready; showing it again reveals it beside the active editor', async () => {
    f.host.panel.show('tiles');
    const p = panel();
    assert.equal(p.webview.posted.length, 0);
    await p.webview.send({ type: 'ready', view: 'panel' });
    assert.deepEqual(p.webview.posted.at(-1), { type: 'reveal', tab: 'tiles' });
    f.fake.window.activeTextEditor = { document: f.fake.open('/work/a.aimc.yaml', 'version: 1\n'), viewColumn: 2 };
    f.host.panel.show();
    assert.deepEqual(p.reveals.at(-1), { column: -2, preserveFocus: true });
    assert.equal(f.fake.panels.length, 1, 'one panel');
  });

  test('the serializer restores a panel after a reload: HTML and options set again', async () => {
    const serializer = f.fake.serializers.get(RESULTS_VIEW_TYPE);
    assert.ok(serializer);
    const restored = new FakeWebviewPanel(RESULTS_VIEW_TYPE, 'AIMC Results', 1, {});
    await serializer!.deserializeWebviewPanel(restored, { version: 1 });
    assert.match(restored.webview.html, /dist\/webview\.js/);
    assert.equal(restored.webview.options.enableScripts, true);
    // The host has no result after a reload: the page keeps what it restored from its own state.
    await restored.webview.send({ type: 'ready', view: 'panel' });
    assert.deepEqual(restored.webview.types(), ['status']);
    f.host.panel.show();
    assert.equal(f.fake.panels.length, 0, 'the restored panel is the panel');
  });

  test('invalid messages are logged and dropped, and do nothing', async () => {
    showGpt2();
    f.host.panel.show();
    const p = panel();
    const invalid: unknown[] = [
      null,
      'ready',
      { type: 'ready' },
      { type: 'ready', view: 'panel', extra: 1 },
      { type: 'nope' },
      { type: 'openDesignPoint', sweepId: 1, pointId: '2' },
      { type: 'openPanel', tab: 'secrets' },
      { type: 'export', format: 'json', requestId: null, images: [{ name: 'x', dataUrl: PNG, width: 1, height: 1 }] },
      {
        type: 'export',
        format: 'png',
        requestId: null,
        images: [{ name: '../../etc', dataUrl: PNG, width: 1, height: 1 }],
      },
      { type: 'log', level: 'error', message: 'x'.repeat(5000) },
    ];
    for (const m of invalid) await p.webview.send(m);
    const dropped = f.log.lines.filter((l) => /^warn Dropped an invalid message from the results panel: /.test(l));
    assert.equal(dropped.length, invalid.length, f.log.lines.join('\n'));
    assert.deepEqual(p.webview.posted, [], 'no ready was accepted, so nothing was sent');
    assert.deepEqual(f.fake.user.calls, [], 'no dialog opened');
    assert.equal(f.fake.written.size, 0);
    assert.deepEqual(
      f.fake.executed.filter((e) => e.id.startsWith('aimc.')),
      [],
    );
  });

  test('valid messages act: side view buttons run the commands, log messages reach the log', async () => {
    f.host.panel.show();
    const p = panel();
    await p.webview.send({ type: 'simulate' });
    await p.webview.send({ type: 'sweep' });
    await p.webview.send({ type: 'cancel' });
    await p.webview.send({ type: 'log', level: 'warn', message: 'chart failed' });
    assert.deepEqual(
      f.fake.executed.map((e) => e.id).filter((id) => id.startsWith('aimc.')),
      ['aimc.simulate', 'aimc.runSweep', 'aimc.cancel'],
    );
    assert.ok(f.log.has('warn', /\[panel\] chart failed/));
  });

  test('collectCharts is answered by the export with the same request id; others are ignored', async () => {
    f.host.panel.show();
    const p = panel();
    const charts = f.host.panel.collectCharts(5000);
    await p.webview.send({ type: 'ready', view: 'panel' });
    const request = p.webview.posted.find((m) => (m as { type: string }).type === 'collectCharts') as {
      requestId: number;
    };
    assert.ok(request, 'collectCharts posted once the page is ready');
    await p.webview.send({
      type: 'export',
      format: 'png',
      requestId: request.requestId + 100,
      images: [{ name: 'other', dataUrl: PNG, width: 1, height: 1 }],
    });
    assert.ok(f.log.has('warn', /nobody is waiting for/));
    await p.webview.send({
      type: 'export',
      format: 'png',
      requestId: request.requestId,
      images: [{ name: 'energy-by-layer', dataUrl: PNG, width: 1, height: 1 }],
    });
    assert.deepEqual(
      (await charts).map((i) => i.name),
      ['energy-by-layer'],
    );
  });

  test('closing the panel fails a pending chart request instead of leaving it hanging', async () => {
    f.host.panel.show();
    const charts = f.host.panel.collectCharts(5000);
    panel().dispose();
    await assert.rejects(charts, /closed before it sent its charts/);
  });
});

describe('side view', () => {
  beforeEach(() => {
    f = hostFixture();
    gpt2 ??= analyzeConfig(example('gpt2-gaincell.aimc.yaml')).result!;
  });

  test('loads dist/sidebar.js and gets results and status, not sweeps', async () => {
    showGpt2();
    f.host.ctx.store.setAccuracy({ name: 'acc', task: null, metrics: [], rows: [], overall: null, notes: [] });
    const view = f.fake.openSideView(SIDEBAR_VIEW_ID);
    assert.match(view.webview.html, /src="https:\/\/\/ext\/dist\/sidebar\.js"/);
    assert.deepEqual(
      view.webview.options.localResourceRoots!.map((u) => u.path),
      ['/ext/dist', '/ext/media'],
    );
    await view.webview.send({ type: 'ready', view: 'sidebar' });
    assert.deepEqual(view.webview.types(), ['showResult', 'status']);
    f.host.ctx.store.setStatus('running', 'Simulating…');
    assert.deepEqual(view.webview.posted.at(-1), { type: 'status', state: 'running', message: 'Simulating…' });
  });

  test('Open panel opens the results panel on the tab asked for; invalid messages are dropped', async () => {
    const view = f.fake.openSideView(SIDEBAR_VIEW_ID);
    await view.webview.send({ type: 'openPanel', tab: 'tiles' });
    assert.equal(f.fake.panels.length, 1);
    await view.webview.send({ type: 'openPanel', tab: 'everything' });
    assert.ok(f.log.has('warn', /Dropped an invalid message from the side view: openPanel\.tab/));
  });
});
