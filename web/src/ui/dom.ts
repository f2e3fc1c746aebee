// A few DOM helpers. Text always goes in through textContent (never innerHTML), so nothing a server or a file
// says can become markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Readonly<Record<string, string | number | boolean | undefined | ((ev: Event) => void)>>;

/** `h('a', { href: '/x', class: 'link' }, 'text', child)`: an element with attributes, listeners (`on…`) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces the children of `el`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** The element with this id; throws when the page lacks it (a build error, not a runtime condition). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page has no #${id}`);
  return el as T;
}

/** A status badge: `<span class="badge badge-{tone}">text</span>`. */
export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted'): HTMLSpanElement {
  return h('span', { class: `badge badge-${tone}` }, text);
}

/** A definition list from label/value pairs (values may be nodes). */
export function facts(rows: readonly (readonly [string, Child])[]): HTMLDListElement {
  const dl = h('dl', { class: 'facts' });
  for (const [label, value] of rows) append(dl, h('dt', {}, label), h('dd', {}, value));
  return dl;
}

/** "3 min ago", "2 h ago", or the date, for a timestamp relative to `nowMs`. */
export function ago(iso: string | undefined, nowMs: number = Date.now()): string {
  if (iso === undefined) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.round((nowMs - t) / 1000);
  if (s < 0) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return formatTime(iso);
}

/** A timestamp as "2026-11-24 14:03 UTC". */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
