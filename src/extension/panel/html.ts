/**
 * The HTML shell of the results panel and the side view. Pure (no `vscode` import) so the host's
 * panel, its serializer and the side view provider share it, and tests and the browser preview can
 * build the same page.
 *
 * Everything the page shows is built by the script; the shell only loads the one stylesheet and
 * the one script. The CSP allows nothing else: no inline script, no inline style, no network.
 * Web components style themselves with constructable stylesheets (adoptedStyleSheets), which
 * `style-src` does not govern; chart.js and the tile map set `canvas.style` through the CSSOM,
 * which CSP allows.
 */

export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** Fresh per page load (see `createNonce`). */
  readonly nonce: string;
  /** `webview.asWebviewUri(...)` of dist/webview.js or dist/sidebar.js, as a string. */
  readonly scriptUri: string;
  /** `webview.asWebviewUri(...)` of media/webview.css, as a string. */
  readonly styleUri: string;
  readonly title?: string;
}

const NONCE = /^[A-Za-z0-9+/=_-]{16,}$/;

/**
 * `webview.cspSource` is one source in VS Code desktop (`https://*.vscode-cdn.net`) and a list in
 * browser hosts such as code-server (`'self' https://*.vscode-cdn.net`). Anything that could end
 * the directive or the attribute, or widen it to every host, scheme or inline code, is refused.
 */
const CSP_SOURCE =
  /^(?:'self'|[a-z][a-z0-9+.-]*:\/\/(?!\*(?:[/:]|$))[^\s;,'"<>]+|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d+)?(?:\/[^\s;,'"<>]*)?)$/i;

function isCspSourceList(value: string): boolean {
  const sources = value.trim().split(/\s+/);
  return value.trim() !== '' && sources.every((s) => CSP_SOURCE.test(s));
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function webviewHtml(o: WebviewHtmlOptions): string {
  // A nonce that could end the attribute or the policy would defeat the policy it is part of.
  if (!NONCE.test(o.nonce)) throw new Error('webviewHtml: the nonce must be at least 16 base64 characters');
  if (!isCspSourceList(o.cspSource)) throw new Error('webviewHtml: invalid cspSource');
  const nonce = escapeAttribute(o.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(o.cspSource.trim(), o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(o.styleUri)}" nonce="${nonce}">
<title>${escapeAttribute(o.title ?? 'AIMC results')}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeAttribute(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** 128 random bits, base64: unguessable per load, as a CSP nonce must be. */
export function createNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
