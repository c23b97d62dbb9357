/**
 * Looks at the results panel and the side view in a real browser, as VS Code would show them:
 * the shipped bundles (dist/webview.js, dist/sidebar.js) and stylesheet inside the page that
 * src/extension/panel/html.ts builds, under its strict CSP, with a stub `acquireVsCodeApi` and
 * VS Code's theme variables. Screenshots go to test-results/webview/.
 *
 * Checks along the way (the run fails if any does not hold):
 * - no CSP violation, page error or console error;
 * - every message the webviews post passes the host's `parseWebviewMessage`;
 * - every tab draws something (canvases are not blank) for GPT-2, Llama 2 7B over 25 chips and a
 *   70B-parameter design;
 * - the tile map's frame time while zooming and panning, printed per design;
 * - the floorplan: a click shows an array's details and "Show in config" posts a valid request;
 *   finding layer 17 of the 25-chip design names the chip that holds its FFN;
 * - the header names what the selected tab shows (a comparison, another config's accuracy run);
 * - state survives a reload; a theme switch re-colours the canvases; exported PNGs are valid.
 *
 * Needs Debian's chromium (/usr/bin/chromium) and `npm install --no-save playwright-core`.
 * Run: node --import tsx test/ui/webview-preview.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SimulationResult } from '../../src/shared/result';
import { webviewHtml } from '../../src/extension/panel/html';
import { parseWebviewMessage, PANEL_TABS, type ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { sweepScatter } from '../../webview/sweep/pareto';
import { accuracyFixture, comparisonFixture, gpt2Example, llama70b, llama7bChips, sweepFixture } from './fixtures';

const ROOT = join(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-results/webview');
const THEMES = ['light', 'dark'] as const;
type ThemeName = 'light' | 'dark' | 'high-contrast';

const problems: string[] = [];
function check(ok: boolean, what: string): void {
  if (!ok) problems.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

// ---------------------------------------------------------------------------------------------
// The page: the real HTML shell plus a stub of what VS Code provides
// ---------------------------------------------------------------------------------------------

const STUB = `(() => {
  const params = new URLSearchParams(location.search);
  const key = 'aimc-state-' + (params.get('view') || 'panel');
  window.__posted = [];
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber));
  window.__setTheme = (t) => {
    document.documentElement.dataset.theme = t;
    const cls = t === 'light' ? 'vscode-light' : t === 'high-contrast' ? 'vscode-high-contrast' : 'vscode-dark';
    document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
    document.body.classList.add(cls);
    document.body.dataset.vscodeThemeKind = cls;
  };
  window.__setTheme(params.get('theme') || 'dark');
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called once');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => { const s = sessionStorage.getItem(key); return s ? JSON.parse(s) : undefined; },
      setState: (s) => { sessionStorage.setItem(key, JSON.stringify(s)); return s; },
    };
  };
})();`;

const NONCE = 'cHJldmlld05vbmNlMTIzNDU2Nzg5MA==';

function page(origin: string, view: 'panel' | 'sidebar'): string {
  const html = webviewHtml({
    cspSource: origin,
    nonce: NONCE,
    scriptUri: `${origin}/dist/${view === 'panel' ? 'webview' : 'sidebar'}.js`,
    styleUri: `${origin}/media/webview.css`,
  });
  // VS Code injects its theme variables and API before the page's own script; so does this.
  return html
    .replace('</head>', `<link rel="stylesheet" href="${origin}/test/ui/vscode-themes.css" nonce="${NONCE}">\n</head>`)
    .replace('<script nonce=', `<script nonce="${NONCE}" src="${origin}/stub.js"></script>\n<script nonce=`);
}

function serve(): Promise<Server> {
  const files: Record<string, [string, string]> = {
    '/dist/webview.js': ['dist/webview.js', 'text/javascript'],
    '/dist/sidebar.js': ['dist/sidebar.js', 'text/javascript'],
    '/media/webview.css': ['media/webview.css', 'text/css'],
    '/test/ui/vscode-themes.css': ['test/ui/vscode-themes.css', 'text/css'],
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/panel.html' || url.pathname === '/sidebar.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(origin, url.pathname === '/panel.html' ? 'panel' : 'sidebar'));
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(STUB);
    } else if (files[url.pathname]) {
      const [file, type] = files[url.pathname];
      res.writeHead(200, { 'content-type': type });
      res.end(readFileSync(join(ROOT, file)));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------------------------------------
// Browser helpers
// ---------------------------------------------------------------------------------------------

type Page = import('playwright-core').Page;

async function post(p: Page, message: ToWebviewMessage): Promise<void> {
  await p.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  await frames(p, 2);
}

async function frames(p: Page, n: number): Promise<void> {
  await p.evaluate(async (count) => {
    for (let i = 0; i < count; i++) await new Promise((r) => requestAnimationFrame(r));
  }, n);
}

async function selectTab(p: Page, tab: string): Promise<void> {
  await p.click(`vscode-tab-header[data-tab="${tab}"]`);
  await frames(p, 3);
  // chart.js resizes charts from a ResizeObserver after the tab appears.
  await p.waitForTimeout(150);
}

/** Distinct colours in the visible canvases of the active tab (a blank canvas has one). */
async function canvasColours(p: Page, selector: string): Promise<number[]> {
  return p.evaluate((sel) => {
    return Array.from(document.querySelectorAll<HTMLCanvasElement>(sel))
      .filter((c) => c.offsetParent !== null && c.width > 0 && c.height > 0)
      .map((c) => {
        const ctx = c.getContext('2d')!;
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length && seen.size < 64; i += 4 * 97)
          seen.add((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]);
        return seen.size;
      });
  }, selector);
}

async function checkMessages(p: Page, where: string): Promise<unknown[]> {
  const posted = await p.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.splice(0));
  for (const m of posted) {
    const r = parseWebviewMessage(m);
    check(r.ok, `${where}: posted ${JSON.stringify(m).slice(0, 80)} is valid${r.ok ? '' : ` (${r.error})`}`);
  }
  return posted;
}

async function checkCsp(p: Page, where: string): Promise<void> {
  const v = await p.evaluate(() => (window as unknown as { __csp: string[] }).__csp.splice(0));
  check(v.length === 0, `${where}: no CSP violations${v.length ? `: ${v.join('; ')}` : ''}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))];
}

/** Zooms in and out with the wheel and drags, as a user does, reading the map's own frame time. */
async function measureTileMap(p: Page, label: string, arrays: number): Promise<void> {
  const box = (await p.locator('.tilemap-canvas').boundingBox())!;
  const cx = box.x + box.width * 0.45;
  const cy = box.y + box.height * 0.5;
  await p.mouse.move(cx, cy);
  const work: number[] = [];
  const wall: number[] = [];
  const step = async (action: () => Promise<void>) => {
    const t0 = Date.now();
    await action();
    await frames(p, 1);
    wall.push(Date.now() - t0);
    work.push(Number(await p.locator('.tilemap-canvas').getAttribute('data-frame-ms')));
  };
  for (let i = 0; i < 20; i++) await step(() => p.mouse.wheel(0, -120));
  await p.mouse.down();
  for (let i = 0; i < 30; i++) await step(() => p.mouse.move(cx - i * 8, cy - i * 3));
  await p.mouse.up();
  for (let i = 0; i < 20; i++) await step(() => p.mouse.wheel(0, 150));
  const size = await p.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('.tilemap-canvas')!;
    return `${c.width} × ${c.height}`;
  });
  console.log(
    `     tile map frame time, ${label} (${arrays.toLocaleString('en-US')} arrays, canvas ${size} px, ${work.length} frames of wheel zoom and drag): ` +
      `render median ${median(work).toFixed(2)} ms, p95 ${p95(work).toFixed(2)} ms, max ${Math.max(...work).toFixed(2)} ms; wall time per step incl. the automation round trip ${median(wall)} ms`,
  );
  check(median(work) < 16, `${label}: tile map renders within a 60 Hz frame (median ${median(work).toFixed(2)} ms)`);
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build failed:\n${build.stderr}`);
  mkdirSync(join(OUT, 'export'), { recursive: true });

  console.log('simulating the designs…');
  const designs: [string, string, SimulationResult][] = [
    ['gpt2', 'examples/gpt2-gaincell.aimc.yaml', gpt2Example()],
    ['llama7b', 'examples/llama2-7b-pcm.aimc.yaml', llama7bChips()],
    ['llama70b', 'llama-2-70b on 256 × 256 arrays', llama70b()],
  ];
  const sweep = sweepFixture();
  const comparison = comparisonFixture();
  const accuracyOf = (r: SimulationResult) => accuracyFixture(r.model.layers);

  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    for (const [id, source, result] of designs) {
      for (const theme of THEMES) {
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
        const p = await context.newPage();
        const errors: string[] = [];
        p.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
        p.on('console', (m) => {
          if (m.type() === 'error') errors.push(`console: ${m.text()}`);
        });
        await p.goto(`${origin}/panel.html?theme=${theme}`);
        await frames(p, 2);
        const where = `${id}/${theme}`;
        const ready = await checkMessages(p, where);
        check(
          ready.some((m) => (m as { type: string }).type === 'ready'),
          `${where}: panel says ready`,
        );
        await p.screenshot({ path: join(OUT, `${id}-${theme}-empty.png`) });

        await post(p, { type: 'showResult', result, source: { label: source, uri: null } });
        await post(p, { type: 'showSweep', sweep });
        await post(p, {
          type: 'showAccuracy',
          accuracy: { ...accuracyOf(result), source: { label: 'examples/tiny-accuracy.aimc.yaml', uri: null } },
        });
        await post(p, { type: 'showComparison', comparison });
        for (const tab of PANEL_TABS) {
          await selectTab(p, tab);
          const file = `${id}-${theme}-${tab}.png`;
          await p.screenshot({ path: join(OUT, file), fullPage: tab !== 'tiles' });
          const colours = await canvasColours(p, 'vscode-tab-panel:not([hidden]) canvas');
          if (tab !== 'overview')
            check(
              colours.length > 0 && colours.every((n) => n > 2),
              `${where}/${tab}: ${colours.length} canvas(es) drawn (${colours.join(', ')} colours)`,
            );
          const heading = await p.locator('header h1').innerText();
          const expected =
            tab === 'compare'
              ? `${comparison.a.result.name} vs ${comparison.b.result.name}`
              : tab === 'accuracy'
                ? accuracyOf(result).name
                : tab === 'sweep'
                  ? sweep.name
                  : result.name;
          check(heading === expected, `${where}/${tab}: the header names what the tab shows ("${heading}")`);
        }
        const ratios = await p.locator('.compare-section[data-section="figures"] td.ratio').count();
        check(ratios >= 10, `${where}/compare: ${ratios} figures with their ratio`);
        const changed = await p.locator('.compare-config tbody tr').count();
        check(
          changed === comparison.configChanges.length && changed > 0,
          `${where}/compare: ${changed} config keys differ`,
        );

        await selectTab(p, 'tiles');
        if (theme === 'dark') await measureTileMap(p, id, result.mapping.arrays);
        await p.locator('.tilemap vscode-button', { hasText: 'Fit' }).click();
        await frames(p, 2);
        // Hover details, at a zoom where single arrays are visible.
        const box = (await p.locator('.tilemap-canvas').boundingBox())!;
        await p.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
        for (let i = 0; i < 8; i++) await p.mouse.wheel(0, -200);
        await frames(p, 2);
        await p.mouse.move(box.x + box.width * 0.31, box.y + box.height * 0.32);
        await frames(p, 2);
        const tip = await p.locator('.tilemap-tooltip').innerText();
        check(
          /Layer|LM head/.test(tip) && /Block/.test(tip),
          `${where}: hover names layer, matrix and block: ${tip.replace(/\n/g, ' | ')}`,
        );
        await p.screenshot({ path: join(OUT, `${id}-${theme}-tiles-hover.png`) });
        // A click selects the array: its details beside the map, and "Show in config" asks the host.
        await p.mouse.click(box.x + box.width * 0.31, box.y + box.height * 0.32);
        await frames(p, 2);
        const details = await p.locator('.tilemap-details').innerText();
        check(/Chip/.test(details) && /Cells used/.test(details), `${where}: a click shows the array's details`);
        await checkMessages(p, `${where} before show in config`);
        await p.locator('.tilemap-details vscode-button', { hasText: 'Show in config' }).click();
        const reveal = (await checkMessages(p, `${where} show in config`)).find(
          (m) => (m as { type: string }).type === 'revealConfig',
        );
        check(reveal !== undefined, `${where}: "Show in config" posts ${JSON.stringify(reveal)}`);
        await p.screenshot({ path: join(OUT, `${id}-${theme}-tiles-selected.png`) });
        if (id === 'llama7b') {
          // Done-when of issue 12: which chip holds layer 17's FFN, and how full its arrays are.
          await p.evaluate(() => {
            const s = document.querySelector('.tilemap-find') as HTMLElement & { value: string };
            s.value = '17';
            s.dispatchEvent(new Event('change'));
          });
          await frames(p, 3);
          const c = (await p.locator('.tilemap-canvas').boundingBox())!;
          await p.mouse.click(c.x + c.width * 0.5, c.y + c.height * 0.5);
          await frames(p, 2);
          const found = await p.locator('.tilemap-details').innerText();
          check(
            /Layer 17/.test(found) && /Chip\s+\d+ of 25/.test(found),
            `${where}: layer 17 found: ${found.split('\n').slice(0, 6).join(' | ')}`,
          );
          await p.screenshot({ path: join(OUT, `${id}-${theme}-tiles-layer17.png`) });
        }
        for (const colouring of ['matrix', 'utilization', 'energy']) {
          await p.evaluate((c) => {
            const s = document.querySelector('.tilemap vscode-single-select') as HTMLElement & { value: string };
            s.value = c;
            s.dispatchEvent(new Event('change'));
          }, colouring);
          await frames(p, 2);
          await p.screenshot({ path: join(OUT, `${id}-${theme}-tiles-${colouring}.png`) });
        }

        // State survives a reload (VS Code discards hidden webviews and restores them from state).
        const before = await p.locator('.tilemap-info').innerText();
        await p.reload();
        await frames(p, 3);
        await p.waitForTimeout(150);
        const tabAfter = await p.evaluate(() => document.querySelector('vscode-tabs')!.getAttribute('selected-index'));
        const infoAfter = await p.locator('.tilemap-info').innerText();
        check(
          tabAfter === String(PANEL_TABS.indexOf('tiles')) && infoAfter === before,
          `${where}: tab, result and map come back after a reload`,
        );
        await p.screenshot({ path: join(OUT, `${id}-${theme}-tiles-after-reload.png`) });
        await checkMessages(p, `${where} after reload`);

        if (id === 'gpt2') {
          // A live theme switch must re-colour the canvases without a reload.
          await selectTab(p, 'energy');
          const sample = () =>
            p.evaluate(() => {
              // A checksum of every pixel: axis text and bar colours change, the layout does not.
              const c = document.querySelector<HTMLCanvasElement>('vscode-tab-panel:not([hidden]) canvas')!;
              const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
              let h = 0;
              for (let i = 0; i < d.length; i++) h = (Math.imul(h, 31) + d[i]) | 0;
              return h;
            });
          const a = await sample();
          const other: ThemeName = theme === 'dark' ? 'light' : 'dark';
          await p.evaluate((t) => (window as unknown as { __setTheme(t: string): void }).__setTheme(t), other);
          await frames(p, 3);
          check(a !== (await sample()), `${where}: charts re-render on a theme switch to ${other}`);
          await p.screenshot({ path: join(OUT, `${id}-${theme}-switched-to-${other}-energy.png`), fullPage: true });
          await p.evaluate(() => (window as unknown as { __setTheme(t: string): void }).__setTheme('high-contrast'));
          await frames(p, 3);
          for (const tab of ['overview', 'energy', 'tiles'] as const) {
            await selectTab(p, tab);
            await p.screenshot({ path: join(OUT, `${id}-high-contrast-${tab}.png`), fullPage: tab !== 'tiles' });
          }
          await p.evaluate((t) => (window as unknown as { __setTheme(t: string): void }).__setTheme(t), theme);
          await frames(p, 2);

          // Clicking a point of the scatter, and the "Open as config" button under it, post the point.
          await selectTab(p, 'sweep');
          const orange = await p.evaluate(() => {
            // The topmost pixel in the front's colour is the top of the first front point.
            const c = document.querySelector<HTMLCanvasElement>('vscode-tab-panel:not([hidden]) canvas')!;
            const want = getComputedStyle(document.body).getPropertyValue('--vscode-charts-orange').trim();
            const [r, g, b] = [1, 3, 5].map((i) => parseInt(want.slice(i, i + 2), 16));
            const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < d.length; i += 4) {
              if (Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 12 && d[i + 3] > 200) {
                const box = c.getBoundingClientRect();
                const px = (i / 4) % c.width;
                const py = Math.floor(i / 4 / c.width);
                return { x: box.left + px / (c.width / box.width), y: box.top + py / (c.height / box.height) + 5 };
              }
            }
            return null;
          });
          check(orange !== null, `${where}: found a Pareto point on the sweep chart`);
          if (orange) {
            await p.mouse.move(orange.x, orange.y);
            await frames(p, 2);
            await p.screenshot({ path: join(OUT, `${id}-${theme}-sweep-hover.png`) });
            await p.mouse.click(orange.x, orange.y);
            // chart.js handles pointer events on the next animation frame.
            await frames(p, 2);
          }
          const clicked = await checkMessages(p, `${where} sweep click`);
          // The topmost point of the front is the most energy-hungry design on it.
          const top = sweepScatter(sweep, 'energy-error').front.reduce((a, b) => (b.y > a.y ? b : a));
          check(
            clicked.some(
              (m) =>
                (m as { type: string; pointId?: string }).type === 'openDesignPoint' &&
                (m as { pointId: string }).pointId === top.id,
            ),
            `${where}: clicking the top point of the front on the chart posts openDesignPoint for ${top.id} (${top.label})`,
          );
          await p.locator('.sweep table vscode-button').first().click();
          const opened = await checkMessages(p, `${where} sweep`);
          check(
            opened.some((m) => (m as { type: string }).type === 'openDesignPoint'),
            `${where}: "Open as config" posts openDesignPoint`,
          );

          // An open dropdown of vscode-elements must not trip the CSP either.
          await selectTab(p, 'energy');
          await p.locator('.energy vscode-single-select').first().click();
          await frames(p, 2);
          await p.screenshot({ path: join(OUT, `${id}-${theme}-energy-dropdown.png`) });
          await p.keyboard.press('ArrowDown');
          await p.keyboard.press('Enter');
          await frames(p, 3);
          await p.waitForTimeout(150);
          await p.screenshot({ path: join(OUT, `${id}-${theme}-energy-doughnut.png`), fullPage: true });
          const saved = await p.evaluate(
            () => JSON.parse(sessionStorage.getItem('aimc-state-panel') ?? '{}').energyView,
          );
          check(
            saved === 'doughnut',
            `${where}: choosing doughnuts in the dropdown is saved in the view state (${saved})`,
          );

          // Export: the host asks, the panel answers with PNGs.
          await post(p, { type: 'collectCharts', requestId: 7 });
          await p.waitForFunction(
            () => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'export'),
            undefined,
            { timeout: 20000 },
          );
          const exported = (await checkMessages(p, `${where} export`)).find(
            (m) => (m as { type: string }).type === 'export',
          ) as { requestId: number; images: { name: string; dataUrl: string }[] };
          check(
            exported.requestId === 7 && exported.images.length >= 6,
            `${where}: export answers request 7 with ${exported.images.length} PNGs (${exported.images.map((i) => i.name).join(', ')})`,
          );
          if (theme === 'light') {
            for (const im of exported.images)
              writeFileSync(join(OUT, 'export', `${im.name}.png`), Buffer.from(im.dataUrl.split(',')[1], 'base64'));
          }
        }
        await checkCsp(p, where);
        check(
          errors.length === 0,
          `${where}: no page or console errors${errors.length ? `: ${errors.join('; ')}` : ''}`,
        );
        await context.close();
      }
    }

    // Side view, in a side-bar-sized viewport.
    for (const theme of [...THEMES, 'high-contrast'] as const) {
      const context = await browser.newContext({ viewport: { width: 320, height: 760 }, deviceScaleFactor: 1 });
      const p = await context.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(e.message));
      await p.goto(`${origin}/sidebar.html?view=sidebar&theme=${theme}`);
      await frames(p, 2);
      await p.screenshot({ path: join(OUT, `sidebar-${theme}-empty.png`) });
      await post(p, { type: 'showResult', result: designs[0][2], source: { label: designs[0][1], uri: null } });
      await p.waitForTimeout(150);
      await p.screenshot({ path: join(OUT, `sidebar-${theme}.png`), fullPage: true });
      const colours = await canvasColours(p, 'canvas');
      check(colours.length === 1 && colours[0] > 2, `sidebar/${theme}: energy chart drawn`);
      await post(p, { type: 'status', state: 'running', message: 'Simulating gpt2-gaincell.aimc.yaml…' });
      await p.screenshot({ path: join(OUT, `sidebar-${theme}-running.png`) });
      await p.locator('vscode-button', { hasText: 'Cancel' }).click();
      await p.locator('vscode-button', { hasText: 'Open panel' }).click();
      const posted = (await checkMessages(p, `sidebar/${theme}`)).map((m) => (m as { type: string }).type);
      check(
        ['ready', 'cancel', 'openPanel'].every((t) => posted.includes(t)),
        `sidebar/${theme}: buttons post ${posted.join(', ')}`,
      );
      await checkCsp(p, `sidebar/${theme}`);
      check(errors.length === 0, `sidebar/${theme}: no page errors${errors.length ? `: ${errors.join('; ')}` : ''}`);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\nscreenshots in ${OUT}`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} check(s) failed:\n${problems.join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
