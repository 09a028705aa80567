/**
 * `styles.palette` (Cloudinary's colours) onto the element's documented custom properties. Set as properties of the
 * element's own style (CSSOM, so a strict Content-Security-Policy allows it), they win over the element's themes.
 */
import type { Palette, WidgetStyles } from './options.js';

/**
 * Where each of Cloudinary's colours goes. Several of theirs colour what our one accent colours (action buttons,
 * links, progress, the active tab): `action` wins, then `link`, `inProgress`, `tabIcon`.
 */
const PALETTE: readonly (readonly [keyof Palette, string])[] = [
  ['window', '--signet-background'],
  ['windowBorder', '--signet-border'],
  ['textDark', '--signet-text'],
  ['textLight', '--signet-on-accent'],
  ['tabIcon', '--signet-accent'],
  ['inProgress', '--signet-accent'],
  ['link', '--signet-accent'],
  ['action', '--signet-accent'],
  ['menuIcons', '--signet-muted'],
  ['inactiveTabIcon', '--signet-muted'],
  ['error', '--signet-danger'],
  ['complete', '--signet-success'],
  ['sourceBg', '--signet-surface'],
];

/** The custom properties for `styles`, later entries of PALETTE winning. */
export function styleProperties(styles: WidgetStyles | undefined): Record<string, string> {
  const properties: Record<string, string> = {};
  const palette = styles?.palette ?? {};
  for (const [colour, property] of PALETTE) {
    const value = palette[colour];
    if (typeof value === 'string' && value.trim()) properties[property] = cssColour(value.trim());
  }
  const backdrop = styles?.frame?.background;
  if (typeof backdrop === 'string' && backdrop.trim()) properties['--signet-backdrop'] = cssColour(backdrop.trim());
  const families = Object.keys(styles?.fonts ?? {});
  if (families.length) properties['--signet-font'] = families.join(', ');
  return properties;
}

/** Colour names in the palette this widget has no place for (none today; kept for the console report). */
export function unsupportedStyles(styles: WidgetStyles | undefined): string[] {
  const known = new Set<string>(PALETTE.map(([colour]) => colour));
  const names = Object.keys(styles?.palette ?? {})
    .filter((colour) => !known.has(colour))
    .map((colour) => `styles.palette.${colour}`);
  // The families are used; their URLs are not fetched, so nothing leaves for a font host the page did not ask for.
  if (Object.keys(styles?.fonts ?? {}).length) names.push('styles.fonts (URLs not loaded: load the font in the page)');
  return names;
}

/** Cloudinary takes hex without `#` too (`"FFF"`, `"0E2F5B99"`). */
function cssColour(value: string): string {
  return /^[0-9a-f]{3,8}$/i.test(value) ? `#${value}` : value;
}
