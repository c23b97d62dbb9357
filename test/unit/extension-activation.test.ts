/**
 * Activation: it times its own wiring and logs it, stays cheap with the real host construction,
 * and reports a failure to the user instead of failing silently.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as language from '../../src/engine/language/index';
import { activateWith } from '../../src/extension/activation';
import { createHost } from '../../src/extension/host';
import { registerFeatures } from '../../src/extension/language/features';
import { RecordingLog } from './extension-host-fixture';
import { fakeVscode, Uri } from './language-fake-vscode';

test('activation wires everything and logs its own time', (t) => {
  const log = new RecordingLog();
  const subscriptions: Array<{ dispose(): unknown }> = [];
  const times: number[] = [];
  // Several runs: the first pays for compiling the code, as the extension host does once.
  for (let i = 0; i < 5; i++) {
    const f = fakeVscode();
    const ms = activateWith(subscriptions as never, {
      api: f.api,
      log,
      registerLanguage: () => {
        registerFeatures(f.api, subscriptions as never, async () => language, log);
      },
      createHost: () =>
        createHost({ api: f.api, extensionUri: Uri.file('/ext') as never, load: async () => language, log }),
    });
    assert.ok(ms !== undefined);
    times.push(ms);
  }
  assert.ok(subscriptions.length > 5 * 20, 'every registration is handed to the extension context');
  assert.ok(
    log.has(
      'info',
      /^info AIMC Explorer activated in [\d.]+ ms \(language features [\d.]+ ms, commands and views [\d.]+ ms\)$/,
    ),
    log.lines.join('\n'),
  );
  // The 20 ms budget is a figure to watch, not a verdict on a shared machine: report it.
  t.diagnostic(`activation (fake vscode): ${times.map((ms) => ms.toFixed(2)).join(', ')} ms`);
});

test('a failure during activation is shown to the user and logged, not thrown', async () => {
  const fake = fakeVscode();
  const log = new RecordingLog();
  fake.user.answer('message', 'Show Log');
  const ms = activateWith([], {
    api: fake.api,
    log,
    registerLanguage: () => {},
    createHost: () => {
      throw new Error('no extension folder');
    },
  });
  assert.equal(ms, undefined);
  assert.deepEqual(fake.messages, [{ level: 'error', text: 'AIMC Explorer failed to start: no extension folder' }]);
  assert.ok(log.has('error', /AIMC Explorer failed to start: no extension folder\nError: no extension folder/));
  await new Promise((r) => setImmediate(r));
  assert.equal(log.shown, 1, 'Show Log opened the log');
});
