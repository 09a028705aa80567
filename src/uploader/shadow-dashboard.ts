/**
 * Uppy's Dashboard, fixed for life inside a shadow root. Stock Dashboard asks "is focus inside me?" with
 * `el.contains(document.activeElement)`; from outside a shadow root that sees only the host element, so:
 * the modal's Tab trap pins focus to the first control, every state update steals focus back in the modal, and the
 * "focused recently" flag is never set. Each override below reads focus from the Dashboard's own root instead.
 * Re-check this file on every Uppy upgrade (its handlers are private fields we replace after `super()`).
 */
import type { Body, Meta, Uppy } from '@uppy/core';
import { FOCUSABLE_ELEMENTS } from '@uppy/core/utils';
import Dashboard from '@uppy/dashboard';

type DashboardInternals = {
  uppy: Uppy<Meta, Body>;
  render: (state: unknown) => unknown;
  el: HTMLElement | null;
  getPluginState(): { activeOverlayType: string | null };
  requestCloseModal(): void;
  superFocus: { cancel(): void };
  ifFocusedOnUppyRecently: boolean;
  handleKeyDownInModal: (event: KeyboardEvent) => void;
  handleKeyDownInInline: (event: KeyboardEvent) => void;
  recordIfFocusedOnUppyRecently: (event: Event) => void;
  superFocusOnEachUpdate: () => void;
};

export class ShadowDashboard<M extends Meta, B extends Body> extends Dashboard<M, B> {
  constructor(uppy: Uppy<M, B>, opts?: ConstructorParameters<typeof Dashboard<M, B>>[1]) {
    super(uppy, opts);
    const self = this as unknown as DashboardInternals;
    const activeElement = (): Element | null =>
      (self.el?.getRootNode() as Document | ShadowRoot | undefined)?.activeElement ?? null;
    // The open overlay (file card, picker panel), else the whole Dashboard.
    const trapRoot = (): HTMLElement | null => {
      const type = self.getPluginState().activeOverlayType;
      return (type && self.el?.querySelector<HTMLElement>(`[data-uppy-paneltype="${type}"]`)) || self.el;
    };
    const trapFocus = (event: KeyboardEvent) => {
      const root = trapRoot();
      if (!root) return;
      const nodes = Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE_ELEMENTS.join(',')));
      const current = activeElement();
      const index = current ? nodes.indexOf(current as HTMLElement) : -1;
      const focus = (node: HTMLElement | undefined) => {
        if (!node) return;
        node.focus();
        event.preventDefault();
      };
      if (!current || !root.contains(current)) focus(nodes[0]);
      else if (event.shiftKey && index === 0) focus(nodes.at(-1));
      else if (!event.shiftKey && index === nodes.length - 1) focus(nodes[0]);
    };
    self.handleKeyDownInModal = (event) => {
      if (event.key === 'Escape') self.requestCloseModal();
      if (event.key === 'Tab') trapFocus(event);
    };
    self.handleKeyDownInInline = (event) => {
      if (event.key === 'Tab' && self.getPluginState().activeOverlayType !== null) trapFocus(event);
    };
    self.recordIfFocusedOnUppyRecently = (event) => {
      if (self.el?.contains(event.composedPath()[0] as Node)) {
        self.ifFocusedOnUppyRecently = true;
      } else {
        self.ifFocusedOnUppyRecently = false;
        self.superFocus.cancel();
      }
    };
    // Uppy 6's Dashboard stopped passing `isAllErrored` to its top bar, which then says "Uploading 1 file" over a
    // failed file (transloadit/uppy#6564, fix proposed in #6566). Removed once the receipt test in
    // shadow-dashboard.browser.test.ts fails.
    const render = self.render;
    self.render = (state) => {
      const tree = render(state);
      passAllErrored(tree, self.uppy.getObjectOfFilesPerState().isAllErrored);
      return tree;
    };
    const superFocusOnEachUpdate = self.superFocusOnEachUpdate;
    // Runs after every render (Dashboard's afterUpdate calls it last).
    self.superFocusOnEachUpdate = () => {
      // The element announces outcomes in one live region of its own; the status bar's "Complete" would be a second.
      self.el?.querySelector('.uppy-StatusBar-content[role="status"]')?.removeAttribute('role');
      // With one file, Dashboard 6.0.3 renders its `role="listitem"` in a plain <div> (FileList.js, isSingleFile),
      // an orphan item to assistive technology (axe: aria-required-parent, critical); the many-file list has the
      // role. No upstream issue found yet; the receipt test in shadow-dashboard.browser.test.ts says when to drop it.
      self.el?.querySelector('.uppy-Dashboard-files:not([role])')?.setAttribute('role', 'list');
      const current = activeElement();
      if (current && trapRoot()?.contains(current)) {
        self.superFocus.cancel();
        return;
      }
      superFocusOnEachUpdate();
    };
  }
}

/**
 * The Dashboard renders its UI by calling the component as a function, so the top bar is a vnode somewhere in the
 * tree, spread with the Dashboard's own props (as are the panels, which ignore the flag): each such vnode gets it.
 */
function passAllErrored(node: unknown, isAllErrored: boolean): void {
  if (Array.isArray(node)) {
    for (const child of node) passAllErrored(child, isAllErrored);
    return;
  }
  const props = (node as { props?: Record<string, unknown> } | null)?.props;
  if (!props || typeof props !== 'object') return;
  if ('isAllComplete' in props && !('isAllErrored' in props)) props.isAllErrored = isAllErrored;
  passAllErrored(props.children, isAllErrored);
}

/**
 * Uppy renders `<input form=ID>` / `<button form=ID>` inside the Dashboard but appends `<form id=ID>` to
 * `document.body` (Url import, provider search). A `form` attribute resolves only within the control's own tree,
 * so inside a shadow root nothing submits. Forward click and Enter to the body-level form.
 */
export function bridgeExternalForms(root: ShadowRoot): () => void {
  const submit = (control: Element, event: Event) => {
    const id = control.getAttribute('form');
    const form = id ? control.ownerDocument.getElementById(id) : null;
    if (form instanceof HTMLFormElement && !(control as HTMLButtonElement).form) {
      event.preventDefault();
      form.requestSubmit();
    }
  };
  const onClick = (event: Event) => {
    const button = (event.composedPath()[0] as Element | null)?.closest?.('button[form]:not([type="button"])');
    if (button) submit(button, event);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const target = event.composedPath()[0];
    if (event.key === 'Enter' && target instanceof HTMLInputElement && target.hasAttribute('form'))
      submit(target, event);
  };
  root.addEventListener('click', onClick);
  root.addEventListener('keydown', onKeyDown as EventListener);
  return () => {
    root.removeEventListener('click', onClick);
    root.removeEventListener('keydown', onKeyDown as EventListener);
  };
}
