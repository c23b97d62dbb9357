import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, createNonce, webviewHtml } from '../../src/extension/panel/html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const options = {
  cspSource: CSP_SOURCE,
  nonce: 'r4nd0mN0nceValue0123456789abcdef',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/webview.css',
};

function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page declares a CSP');
  const directives = new Map<string, string[]>();
  for (const part of m[1].replace(/&#39;|&apos;/g, "'").split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  return directives;
}

test('the CSP allows nothing by default and nothing inline or remote', () => {
  const csp = cspOf(webviewHtml(options));
  assert.deepEqual(csp.get('default-src'), ["'none'"]);
  assert.deepEqual(csp.get('script-src'), [`'nonce-${options.nonce}'`]);
  assert.deepEqual(csp.get('style-src'), [CSP_SOURCE, `'nonce-${options.nonce}'`]);
  assert.deepEqual(csp.get('img-src'), [CSP_SOURCE, 'data:']);
  assert.deepEqual(csp.get('font-src'), [CSP_SOURCE]);
  const all = [...csp.values()].flat().join(' ');
  for (const loose of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:'])
    assert.ok(!all.split(' ').includes(loose), `CSP contains ${loose}`);
  assert.deepEqual([...csp.keys()].sort(), ['default-src', 'font-src', 'img-src', 'script-src', 'style-src']);
});

test('every script tag carries the nonce and loads the given script; no inline code or styles', () => {
  const html = webviewHtml(options);
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, new RegExp(`nonce="${options.nonce}"`));
    assert.match(attrs, new RegExp(`src="${options.scriptUri.replace(/[.+]/g, '\\$&')}"`));
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(html, /<style\b/);
  assert.doesNotMatch(html, /\sstyle=/);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.match(html, new RegExp(`<link rel="stylesheet" href="${options.styleUri.replace(/[.+]/g, '\\$&')}"`));
});

test('URIs are attribute-escaped, so a URI cannot break out of its attribute', () => {
  const html = webviewHtml({ ...options, scriptUri: 'https://x/a.js"><script>alert(1)</script>', title: '<b>"t"</b>' });
  assert.equal((html.match(/<script\b/g) ?? []).length, 1);
  assert.match(html, /src="https:\/\/x\/a\.js&quot;&gt;&lt;script&gt;/);
  assert.match(html, /<title>&lt;b&gt;&quot;t&quot;&lt;\/b&gt;<\/title>/);
});

test('a nonce or source that could widen the policy is refused', () => {
  assert.throws(() => webviewHtml({ ...options, nonce: 'short' }), /nonce/);
  assert.throws(() => webviewHtml({ ...options, nonce: "abcdefghijklmnop' 'unsafe-inline" }), /nonce/);
  assert.throws(() => webviewHtml({ ...options, cspSource: "https://a; script-src 'unsafe-inline'" }), /cspSource/);
  assert.throws(() => webviewHtml({ ...options, cspSource: '' }), /cspSource/);
});

test('nonces are fresh, long and valid in the policy', () => {
  const nonces = new Set(Array.from({ length: 50 }, createNonce));
  assert.equal(nonces.size, 50);
  for (const n of nonces) {
    assert.ok(n.length >= 22);
    assert.doesNotThrow(() => webviewHtml({ ...options, nonce: n }));
  }
  assert.match(contentSecurityPolicy('src', 'abc'), /script-src 'nonce-abc'/);
});
