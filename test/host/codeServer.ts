/**
 * code-server (VS Code 1.100.3 in a browser, with a Node extension host) as a test host: the cached
 * install, a private user-data and extensions folder per run, a random port on 127.0.0.1, and a
 * process group that is always killed. scripts/install-test-host.sh installs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const CODE_SERVER_VERSION = '4.100.3';
const START_TIMEOUT_MS = 60_000;

export function codeServerBin(): string {
  const dir =
    process.env.AIMC_TEST_HOST_DIR ??
    join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
      'aimc-explorer',
      `code-server-${CODE_SERVER_VERSION}`,
    );
  const bin = join(dir, 'node_modules/.bin/code-server');
  if (!existsSync(bin)) throw new Error(`code-server is not installed at ${bin}; run scripts/install-test-host.sh`);
  return bin;
}

/** Settings that keep first-run noise (welcome page, tips, update checks) off the screen. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'files.autoSave': 'off',
};

export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User/settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...extra }, null, 2));
}

export function installVsix(vsix: string, extensionsDir: string, userDataDir: string): void {
  const r = spawnSync(
    codeServerBin(),
    [
      '--config',
      join(userDataDir, 'code-server.yaml'),
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--install-extension',
      vsix,
    ],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (r.status !== 0)
    throw new Error(`installing ${vsix} into code-server failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
}

export interface CodeServer {
  readonly origin: string;
  readonly port: number;
  /** What code-server printed, for failure reports. */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // code-server forks the extension host, file watchers and pty host; the group takes them all.
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

// A driver that throws, or is interrupted, must not leave a server listening.
process.on('exit', () => {
  for (const c of running) killGroup(c, 'SIGKILL');
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    for (const c of running) killGroup(c, 'SIGKILL');
    process.exit(code);
  });
}

export interface StartOptions {
  readonly folder: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly env?: Record<string, string>;
}

/** Starts code-server on a port the kernel picks, and returns once it serves. */
export async function startCodeServer(o: StartOptions): Promise<CodeServer> {
  const child = spawn(
    codeServerBin(),
    [
      '--auth',
      'none',
      '--bind-addr',
      '127.0.0.1:0',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      // A config file of its own: without one code-server reads, or first writes, ~/.config/code-server.
      '--config',
      join(o.userDataDir, 'code-server.yaml'),
      '--user-data-dir',
      o.userDataDir,
      '--extensions-dir',
      o.extensionsDir,
      o.folder,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } },
  );
  running.add(child);
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const exited = new Promise<void>((r) =>
      child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r()),
    );
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    // Children that ignored SIGTERM still belong to the group.
    killGroup(child, 'SIGKILL');
    running.delete(child);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`code-server did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      const look = () => {
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(log);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`code-server exited (${code ?? signal}) before listening`));
      });
    });
    return { origin: `http://127.0.0.1:${port}`, port, output: () => log, stop };
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
}

function newestFiles(dir: string, match: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (match(name)) found.push(p);
    }
  };
  walk(dir);
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

/** The extension host's log and the extension's own output channel, as text, for failure reports. */
export function extensionHostLogs(userDataDir: string): string {
  const files = newestFiles(
    join(userDataDir, 'logs'),
    (n) => n === 'remoteexthost.log' || n === 'exthost.log' || /AIMC Explorer\.log$/.test(n),
  );
  if (files.length === 0) return `(no extension host log under ${join(userDataDir, 'logs')})`;
  return files.map((f) => `--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-200).join('\n')}`).join('\n');
}
