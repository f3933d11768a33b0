import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** One rule axe-core found broken, with where (CSS selectors of the offending nodes). */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: string[];
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.x A/AA rules and best practices) on the page as it is now. The source
 * goes in through DevTools evaluation, not a <script> element: the pages' CSP forbids every
 * script of their own, and should keep doing so under test.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))`);
}

/** The violations that block people (axe's serious and critical): what a page must not have. */
export async function blockingViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
