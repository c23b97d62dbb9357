/**
 * A labelled vscode-single-select. Its value is set without firing `change`, so restoring state
 * does not echo back as a user action.
 */
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { el } from '../dom';

export interface SelectControl {
  readonly element: HTMLElement;
  value: string;
}

export function selectControl(
  label: string,
  options: readonly (readonly [string, string])[],
  onChange: (value: string) => void,
): SelectControl {
  const select = el('vscode-single-select', { attrs: { 'aria-label': label } });
  for (const [value, text] of options) select.appendChild(el('vscode-option', { attrs: { value } }, text));
  select.addEventListener('change', () => onChange(select.value));
  const element = el('label', { class: 'control' }, el('span', { class: 'toolbar-label' }, label), select);
  return {
    element,
    get value() {
      return select.value;
    },
    set value(v: string) {
      if (select.value !== v) select.value = v;
    },
  };
}
