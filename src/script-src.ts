/**
 * The classic script's own address, read while it runs (embed-iife.ts imports this first): afterwards, and in a
 * module, `document.currentScript` is null.
 */
export const scriptSrc: string | undefined =
  typeof document === 'undefined' ? undefined : (document.currentScript as HTMLScriptElement | null)?.src || undefined;
