// axe-core inside the test page. Loaded as its source text and run as a classic script: axe-core is a UMD bundle,
// and this keeps it out of Vite's dependency optimizer (a cold run would otherwise reload the page mid-test).
import type { AxeResults, ElementContext, Result } from 'axe-core';
import source from 'axe-core/axe.min.js?raw';
import { expect } from 'vitest';

declare global {
  interface Window {
    axe?: { run(context: ElementContext, options: object): Promise<AxeResults> };
  }
}

// Rules about a whole page (its landmarks, its one <h1>), which a test page holding only the element cannot pass and
// the element cannot decide.
const PAGE_RULES = ['region', 'landmark-one-main', 'page-has-heading-one'];

/** axe's violations in the element (its shadow DOM included), WCAG 2.2 A/AA and best practices. */
export async function violations(element: Element): Promise<Result[]> {
  if (!window.axe) {
    const script = document.createElement('script');
    script.textContent = source;
    document.head.append(script);
  }
  const axe = window.axe;
  if (!axe) throw new Error('axe-core did not load');
  const results = await axe.run(element, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    rules: Object.fromEntries(PAGE_RULES.map((id) => [id, { enabled: false }])),
    resultTypes: ['violations'],
  });
  return results.violations;
}

/** Fails with each violation's rule, impact and the nodes it found, so the report says what to fix. */
export async function expectNoViolations(element: Element, state: string): Promise<void> {
  const found = await violations(element);
  const report = found.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .map((n) => `    ${JSON.stringify(n.target)} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n')}`,
  );
  expect(report, `axe in state "${state}"`).toEqual([]);
}
