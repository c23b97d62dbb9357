/**
 * The extension in a real browser, driven as a person drives it: the VSIX installed into
 * code-server, Debian's Chromium under playwright-core, a workspace of examples and broken configs.
 *
 * Steps (each leaves a screenshot in test-results/ui/; a failed step stops the run and prints the
 * last screenshot, the Problems panel and the extension host log):
 * 0. the walkthrough opens by itself on the first start of a fresh profile;
 * 1. open a broken config and read the Problems panel;
 * 2. run "AIMC: Simulate Current Config" on an example from the command palette;
 * 3. find the results panel's webview frame and read its key figures, which must equal the CLI's;
 * 4. open the tile map and judge from its pixels that it drew the design;
 * 5. the floorplan of Llama 2 7B over 25 chips: find layer 17, click an array, read which chip
 *    holds it and how full it is; "Show in config" selects the lines that placed it;
 * 6. "AIMC: Compare Designs…" puts gpt2-gaincell and gpt2-hybrid side by side with ratios and the
 *    config difference;
 * 7. switch to a light theme and back; the panel and its canvas must follow (the floorplan, the
 *    comparison and the walkthrough are shot in both themes);
 * 8. simulate a config with a `functional:` section: the Accuracy tab shows the models' next-token
 *    figures (random tokens: agreement and KL only) above the per-layer diagnostics;
 * 9. the panel's frames logged no errors (CSP violations, exceptions) all along.
 *
 * A passing run copies its README screenshots to docs/screenshots/ (README_SHOTS), so the README
 * never shows a stale panel.
 *
 * Run: npm run test:ui   (builds first; needs scripts/install-test-host.sh once)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { SimulationResult } from '../../src/shared/result';
import { keyFigures } from '../../webview/panel/figures';
import { launchChromium } from './browser';
import { extensionHostLogs, installVsix, startCodeServer, writeUserSettings, type CodeServer } from './codeServer';
import { cleanUp, copyWorkspace, RESULTS, ROOT, scratch, withTimeout } from './scratch';
import { buildVsix } from './vsix';
import { assertEventually, openFile, problems, problemsText, quickInput, runCommand, setTheme } from './workbench';

const SHOTS = join(RESULTS, 'ui');
const EXAMPLE = 'gpt2-gaincell.aimc.yaml';
const HYBRID = 'gpt2-hybrid.aimc.yaml';
const CHIPS = 'llama2-7b-pcm.aimc.yaml';
const BROKEN = 'unknown-enum.aimc.yaml';
const ACCURACY = 'tiny-accuracy.aimc.yaml';
/** The adapted shipped model on fewer tokens and runs, written into the workspace: a drift sweep of seconds. */
const DRIFT = 'kjv-drift.aimc.yaml';
/** Screenshots the README shows: docs/screenshots/<name> ← test-results/ui/<shot>.png. */
const README_SHOTS: Record<string, string> = {
  'results-overview.png': '3-key-figures',
  'floorplan.png': '5a-floorplan-layer17-dark',
  'show-in-config.png': '5b-show-in-config-dark',
  'compare.png': '6-compare-dark',
  'walkthrough.png': '0-walkthrough-dark',
  'drift-sweep.png': '9-drift-sweep',
};
/** Generous for a cold workbench; a step that needs longer is broken, not slow. */
const STEP_TIMEOUT_MS = 90_000;

let lastScreenshot = '(none yet)';

async function shot(page: Page, name: string): Promise<void> {
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  lastScreenshot = file;
}

// ---------------------------------------------------------------------------------------------
// The results panel's webview
// ---------------------------------------------------------------------------------------------

/**
 * VS Code nests each webview's page in two iframes; the one holding the panel's DOM is it: by
 * default the one showing key figures, else the first where `selector` finds something.
 */
async function panelFrame(page: Page, selector = '.figures [data-figure]'): Promise<Frame> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame.evaluate((s) => document.querySelector(s) !== null, selector).catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no webview frame shows ${selector}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The results panel's frame whichever tab it shows. */
const PANEL = 'vscode-tab-header[data-tab="tiles"]';

async function figuresShown(frame: Frame): Promise<Record<string, string>> {
  return frame.evaluate(() =>
    Object.fromEntries(
      Array.from(document.querySelectorAll('.figures [data-figure]')).map((f) => [
        f.getAttribute('data-figure'),
        f.querySelector('.figure-value')?.textContent ?? '',
      ]),
    ),
  );
}

interface CanvasPixels {
  readonly width: number;
  readonly height: number;
  /** Distinct colours among sampled pixels (a blank canvas has one). */
  readonly colours: number;
  /** Share of sampled pixels that differ from the top-left pixel, the background. */
  readonly painted: number;
  /** A checksum of every pixel, to tell one rendering from another. */
  readonly checksum: number;
}

async function tileMapPixels(frame: Frame): Promise<CanvasPixels> {
  return frame.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.tilemap-canvas');
    if (!c || c.width === 0 || c.height === 0) return { width: 0, height: 0, colours: 0, painted: 0, checksum: 0 };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const background = (d[0] << 24) | (d[1] << 16) | (d[2] << 8) | d[3];
    const seen = new Set<number>();
    let sampled = 0;
    let painted = 0;
    let checksum = 0;
    for (let i = 0; i < d.length; i += 4) {
      checksum = (Math.imul(checksum, 31) + ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3])) | 0;
      if ((i / 4) % 7 !== 0) continue;
      const rgba = (d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3];
      sampled++;
      if (rgba !== background) painted++;
      if (seen.size < 256) seen.add(rgba);
    }
    return { width: c.width, height: c.height, colours: seen.size, painted: painted / sampled, checksum };
  });
}

async function webviewTheme(frame: Frame): Promise<string> {
  return frame.evaluate(() => document.body.className);
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

function cliResult(file: string): SimulationResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'simulate', file, '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`aimc simulate ${file} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as SimulationResult;
}

async function main(): Promise<number> {
  const started = Date.now();
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const dir = scratch('ui');
  const folder = copyWorkspace(dir);
  writeFileSync(
    join(folder, 'examples', DRIFT),
    readFileSync(join(folder, 'examples', 'kjv-char-gaincell-adapted.aimc.yaml'), 'utf8')
      .replace(/^ {2}samples: \d+.*$/m, '  samples: 4')
      .replace(/^ {2}seeds: \d+.*$/m, '  seeds: 2'),
  );
  const userDataDir = join(dir, 'user-data');
  const extensionsDir = join(dir, 'extensions');
  // Walkthroughs on install are on, as in a user's fresh profile (VS Code's default).
  writeUserSettings(userDataDir, { 'workbench.welcomePage.walkthroughs.openOnInstall': true });

  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  let passed = 0;
  const step = async (name: string, body: () => Promise<void>) => {
    const t0 = Date.now();
    await withTimeout(name, STEP_TIMEOUT_MS, body);
    passed++;
    console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  };

  try {
    await step('package the VSIX and install it into code-server', async () => {
      installVsix(buildVsix(join(dir, 'aimc-explorer.vsix')), extensionsDir, userDataDir);
    });
    server = await startCodeServer({ folder, userDataDir, extensionsDir });
    browser = await launchChromium();
    const p = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page = p;
    p.on('pageerror', (e) => pageErrors.push(e.message));
    // The results panel's own errors (CSP violations, exceptions) surface as console errors of its frames.
    const panelErrors: string[] = [];
    p.on('console', (m) => {
      if (process.env.AIMC_TEST_VERBOSE)
        console.log(`     [console ${m.type()}] ${m.text().slice(0, 200)} (${m.location().url.split('?')[0]})`);
      if (m.type() === 'error' && /webview/.test(m.location().url))
        panelErrors.push(`${m.text()} (${m.location().url.split('?')[0]})`);
    });

    await step('the workbench opens the workspace', async () => {
      await p.goto(`${server!.origin}/?folder=${encodeURIComponent(folder)}`, { timeout: 60_000 });
      await p.locator('.monaco-workbench .explorer-folders-view').waitFor({ timeout: 60_000 });
      await p.locator('.explorer-folders-view .monaco-list-row', { hasText: 'broken' }).waitFor({ timeout: 30_000 });
      await shot(p, '0-workbench');
    });

    await step('0. the walkthrough opens on the first start', async () => {
      const tab = p.locator('.tab', { hasText: 'Walkthrough: AIMC Explorer' });
      await tab.first().waitFor({ timeout: 30_000 });
      await p
        .locator('.gettingStartedContainer', { hasText: 'Get started with AIMC Explorer' })
        .waitFor({ timeout: 15_000 });
      await shot(p, '0-walkthrough-dark');
      await runCommand(p, 'View: Close All Editors');
      await tab.first().waitFor({ state: 'detached', timeout: 10_000 });
    });

    await step(`1. ${BROKEN} lists its problems in the Problems panel`, async () => {
      await openFile(p, BROKEN);
      await runCommand(p, 'Problems: Focus on Problems View');
      let rows: string[] = [];
      await assertEventually(
        async () => {
          rows = await problems(p);
          return rows.some((r) => r.includes('memristor')) && rows.some((r) => r.includes('kv_storage'));
        },
        'both problems of the config in the Problems panel',
        30_000,
      );
      await shot(p, '1-problems');
      console.log(`     Problems panel:\n${rows.map((r) => `       ${r}`).join('\n')}`);
      assert.ok(
        rows.some((r) => r.includes('`weights.device` is "memristor", which is not one of: pcm, rram, sram, ideal.')),
        "the device problem, in the validator's words",
      );
      assert.ok(
        rows.some((r) => r.includes('Did you mean `sram`?')),
        'the KV storage problem suggests sram',
      );
      // The results panel opens beside the editor; the Problems panel would take half its height.
      await runCommand(p, 'View: Toggle Panel Visibility');
    });

    await step(`2. "AIMC: Simulate Current Config" runs on ${EXAMPLE} from the command palette`, async () => {
      await openFile(p, EXAMPLE);
      await shot(p, '2a-example-open');
      await runCommand(p, 'AIMC: Simulate Current Config');
      await panelFrame(p);
      await shot(p, '2b-results-panel');
    });

    const expected = keyFigures(cliResult(join(folder, 'examples', EXAMPLE)));
    await step("3. the results panel shows the CLI's key figures", async () => {
      const frame = await panelFrame(p);
      const shown = await figuresShown(frame);
      console.log(
        `     key figures: ${Object.entries(shown)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      assert.deepEqual(shown, Object.fromEntries(expected.map((f) => [f.id, f.value])));
      await shot(p, '3-key-figures');
    });

    let darkMap: CanvasPixels | undefined;
    let darkFloorplan: CanvasPixels | undefined;
    await step('4. the tile map draws the design', async () => {
      const frame = await panelFrame(p);
      await frame.locator('vscode-tab-header[data-tab="tiles"]').click();
      await assertEventually(async () => (await tileMapPixels(frame)).colours > 3, 'the tile map to paint');
      // A rendering still in progress has fewer colours than the finished one.
      await p.waitForTimeout(300);
      darkMap = await tileMapPixels(frame);
      await shot(p, '4-tile-map');
      console.log(
        `     tile map ${darkMap.width} × ${darkMap.height} px: ${darkMap.colours} colours, ${(100 * darkMap.painted).toFixed(1)} % painted`,
      );
      assert.ok(darkMap.colours >= 4, `the tile map has ${darkMap.colours} colours`);
      assert.ok(darkMap.painted > 0.05, `only ${(100 * darkMap.painted).toFixed(1)} % of the tile map is painted`);
    });

    await step(
      `5. the floorplan of ${CHIPS}: layer 17's FFN, its chip, how full its arrays are, and its config lines`,
      async () => {
        // The config simulated, then closed: the panel alone in the editor area, as a user studies a map.
        await runCommand(p, 'View: Close All Editors');
        await openFile(p, CHIPS);
        await runCommand(p, 'AIMC: Show Tile Map');
        const frame = await panelFrame(p, PANEL);
        await assertEventually(
          async () => (await frame.locator('.tilemap-info').innerText()).includes('25 chips'),
          'the 25-chip design in the tile map',
          60_000,
        );
        await runCommand(p, 'View: Close Editor');
        await p.locator('.tab', { hasText: CHIPS }).waitFor({ state: 'detached', timeout: 10_000 });
        await p.waitForTimeout(500);
        await frame.evaluate(() => {
          const s = document.querySelector('.tilemap-find') as HTMLElement & { value: string };
          s.value = '17';
          s.dispatchEvent(new Event('change'));
          const c = document.querySelector('.tilemap vscode-single-select') as HTMLElement & { value: string };
          c.value = 'utilization';
          c.dispatchEvent(new Event('change'));
        });
        await p.waitForTimeout(400);
        // The layer is framed: the middle of the map is one of its arrays.
        await frame.locator('.tilemap-canvas').click();
        const details = frame.locator('.tilemap-details');
        await assertEventually(
          async () => /Layer 17/.test(await details.innerText()),
          'the details of a layer-17 array',
        );
        const text = await details.innerText();
        console.log(`     details: ${text.split('\n').slice(0, 8).join(' | ')}`);
        assert.match(text, /Chip\s+\d+ of 25/);
        assert.match(text, /Cells used\s+\d+\.\d % used/);
        await shot(p, '5a-floorplan-layer17-dark');
        darkFloorplan = await tileMapPixels(frame);
        await frame.locator('.tilemap-details vscode-button', { hasText: 'Show in config' }).click();
        const selection = p.locator('.statusbar-item', { hasText: /selections?|selected/ });
        await assertEventually(async () => (await selection.count()) > 0, 'the placing lines selected in the config');
        console.log(`     status bar: ${await selection.first().innerText()}`);
        await assertEventually(
          async () => (await p.locator('.tab.active', { hasText: CHIPS }).count()) > 0,
          `${CHIPS} in front`,
        );
        await shot(p, '5b-show-in-config-dark');
      },
    );

    await step(`6. "AIMC: Compare Designs…": ${EXAMPLE} against ${HYBRID}`, async () => {
      await runCommand(p, 'AIMC: Compare Designs…');
      await quickInput(p, null, EXAMPLE.replace('.aimc.yaml', ''), (l) => l.endsWith(EXAMPLE), `${EXAMPLE} as A`);
      await quickInput(p, null, HYBRID.replace('.aimc.yaml', ''), (l) => l.endsWith(HYBRID), `${HYBRID} as B`);
      const frame = await panelFrame(p, PANEL);
      await assertEventually(
        async () => (await frame.locator('.compare-section[data-section="figures"] td.ratio').count()) > 10,
        'the comparison with its ratios',
        60_000,
      );
      const title = await frame.locator('header h1').innerText();
      assert.match(title, / vs GPT-2 hybrid/);
      const changes = await frame.locator('.compare-config tbody tr').count();
      assert.ok(changes > 5, `${changes} config keys differ`);
      console.log(`     header: ${title}; ${changes} config keys differ`);
      await p.waitForTimeout(300);
      await shot(p, '6-compare-dark');
    });

    await step('7. a light theme and back: the panel, its canvas and the walkthrough follow', async () => {
      const frame0 = await panelFrame(p, PANEL);
      assert.match(await webviewTheme(frame0), /vscode-dark/);
      await setTheme(p, 'Light Modern');
      let frame = await panelFrame(p, PANEL);
      await assertEventually(async () => /vscode-light/.test(await webviewTheme(frame)), 'the webview to turn light');
      await p.waitForTimeout(300);
      await shot(p, '7a-compare-light');
      await frame.locator('vscode-tab-header[data-tab="tiles"]').click();
      await p.waitForTimeout(400);
      const lightMap = await tileMapPixels(frame);
      await shot(p, '7b-floorplan-light');
      assert.ok(
        lightMap.colours >= 4 && lightMap.checksum !== darkFloorplan!.checksum,
        "the floorplan was redrawn in the light theme's colours",
      );
      await runCommand(p, 'AIMC: Get Started');
      await p
        .locator('.gettingStartedContainer', { hasText: 'Get started with AIMC Explorer' })
        .waitFor({ timeout: 15_000 });
      await shot(p, '7c-walkthrough-light');
      const walkthrough = p.locator('.tab', { hasText: 'Walkthrough: AIMC Explorer' });
      await walkthrough.locator('.codicon-close').click();
      await walkthrough.waitFor({ state: 'detached', timeout: 10_000 });
      // Focus where the keyboard reaches the workbench again: the config's editor.
      await p.locator('.tab', { hasText: CHIPS }).first().click();
      await setTheme(p, 'Dark Modern');
      frame = await panelFrame(p, PANEL);
      await assertEventually(
        async () => /vscode-dark/.test(await webviewTheme(frame)),
        'the webview to turn dark again',
      );
      await p.waitForTimeout(300);
      await shot(p, '7d-dark-again');
      assert.ok((await tileMapPixels(frame)).colours >= 4, 'the floorplan is drawn after switching back');
    });

    await step(`8. simulating ${ACCURACY} shows its next-token figures in the Accuracy tab`, async () => {
      await openFile(p, ACCURACY);
      await runCommand(p, 'AIMC: Simulate Current Config');
      const frame = await panelFrame(p, '.accuracy table.task');
      const table = frame.locator('.accuracy table.task');
      // The example names no text: its tokens are random, so only agreement and KL are shown.
      assert.deepEqual(await table.locator('thead th').allInnerTexts(), ['Model', 'Agreement', 'KL (nats)']);
      const rows = await table.locator('tbody tr').allInnerTexts();
      console.log(`     next-token table: ${rows.map((r) => r.replace(/\s+/g, ' ')).join(' | ')}`);
      assert.match(rows[0], /^Float, softmax/);
      assert.match(rows.at(-1) ?? '', /^Analog \(\d+ runs?\)/);
      assert.match(await frame.locator('.task-random').innerText(), /drawn at random/);
      await frame.locator('.accuracy [data-chart="accuracy-by-layer"] canvas').waitFor({ timeout: 10_000 });
      await p.waitForTimeout(400);
      await shot(p, '8-accuracy-next-token');
    });

    await step(
      `9. "AIMC: Run Sweep" of ${DRIFT} over the time of inference plots perplexity against time`,
      async () => {
        await runCommand(p, 'View: Close All Editors');
        await openFile(p, DRIFT);
        await runCommand(p, 'AIMC: Run Sweep');
        // Step 1 of 3 picks keys (many may be picked): filter to the key, tick it, accept.
        const input = p.locator('.quick-input-widget input[type="text"]');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await input.fill('t_inference_s');
        await p
          .locator('.quick-input-widget .monaco-list-row', { hasText: 'nonidealities.t_inference_s' })
          .first()
          .waitFor({ timeout: 10_000 });
        await p.keyboard.press('ArrowDown');
        await p.keyboard.press('Space');
        await p.keyboard.press('Enter');
        // Step 2: the values; step 3: cost and error.
        await assertEventually(
          async () =>
            /values of nonidealities\.t_inference_s/.test((await p.locator('.quick-input-widget').innerText()) ?? ''),
          'the values box',
        );
        await input.fill('1,3600,86400,31557600');
        await p.keyboard.press('Enter');
        await quickInput(p, null, 'Cost and error', (l) => l === 'Cost and error', 'cost and error');
        const frame = await panelFrame(p, '.sweep [data-chart="sweep-trend"] canvas');
        const title = await frame.locator('.sweep [data-chart="sweep-trend"] h3').innerText();
        console.log(`     trend chart: ${title}`);
        assert.match(title, /perplexity/i);
        assert.match(title, /time of inference/);
        const header = await frame.locator('header').innerText();
        assert.match(header, /4 designs varying nonidealities\.t_inference_s/);
        await p.waitForTimeout(400);
        await shot(p, '9-drift-sweep');
      },
    );

    await step('10. the results panel logged no errors', async () => {
      assert.deepEqual(panelErrors, []);
    });

    mkdirSync(join(ROOT, 'docs/screenshots'), { recursive: true });
    for (const [name, from] of Object.entries(README_SHOTS))
      copyFileSync(join(SHOTS, `${from}.png`), join(ROOT, 'docs/screenshots', name));
    console.log(`     README screenshots: ${Object.keys(README_SHOTS).join(', ')} in docs/screenshots/`);

    console.log(`UI suite passed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
    console.log(`ui: ${passed} passed, 0 failed`);
    return 0;
  } catch (e) {
    console.error(`FAIL ${(e as Error).stack ?? String(e)}`);
    if (page) {
      await shot(page, 'failure').catch(() => undefined);
      console.error(`last screenshot: ${lastScreenshot}`);
      console.error(
        `Problems panel:\n${await withTimeout('reading the Problems panel', 30_000, () => problemsText(page!)).catch((x: Error) => x.message)}`,
      );
    }
    if (pageErrors.length) console.error(`page errors:\n${pageErrors.join('\n')}`);
    console.error(`extension host log:\n${extensionHostLogs(userDataDir)}`);
    if (server) console.error(`code-server output (tail):\n${server.output().split('\n').slice(-40).join('\n')}`);
    console.log(`ui: ${passed} passed, 1 failed`);
    return 1;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    cleanUp(dir);
  }
}

void main().then((code) => {
  process.exitCode = code;
});
