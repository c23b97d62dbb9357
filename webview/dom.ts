/**
 * A small element builder. Text goes in as text nodes, never as HTML, so nothing from a result
 * (names come from user configs) is parsed as markup; and no `style` attribute is ever written,
 * which the CSP would block (styles set through `element.style` are allowed).
 */
type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  id?: string;
  title?: string;
  role?: string;
  tabindex?: string;
  /** Other attributes (aria-*, data-*, element-specific). `style` is refused. */
  attrs?: Record<string, string | boolean | undefined>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (e: HTMLElementEventMap[K]) => void }> &
    Record<string, (e: Event) => void>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.id) e.id = props.id;
  if (props.title) e.title = props.title;
  if (props.role) e.setAttribute('role', props.role);
  if (props.tabindex) e.setAttribute('tabindex', props.tabindex);
  for (const [k, v] of Object.entries(props.attrs ?? {})) {
    if (k === 'style') throw new Error('el: set styles through element.style, not the style attribute');
    if (v === true) e.setAttribute(k, '');
    else if (typeof v === 'string') e.setAttribute(k, v);
  }
  for (const [event, handler] of Object.entries(props.on ?? {}))
    if (handler) e.addEventListener(event, handler as EventListener);
  append(e, ...children);
  return e;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children)
    if (c !== null && c !== undefined && c !== false)
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
}

export function clear(e: Element): void {
  while (e.firstChild) e.removeChild(e.firstChild);
}
