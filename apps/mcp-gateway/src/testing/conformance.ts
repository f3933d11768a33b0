import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One check of one scenario of the MCP conformance suite, as its CLI records it. */
export interface ConformanceCheck {
  scenario: string;
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  errorMessage?: string;
}

export interface ConformanceRun {
  checks: ConformanceCheck[];
  /** Scenarios none of whose checks failed. */
  passedScenarios: string[];
  /** `scenario/check` of every check that succeeded. */
  passedChecks: string[];
  /** The CLI's own output, to show when an assertion fails. */
  output: string;
}

const CLI = join(__dirname, '../../../../node_modules/@modelcontextprotocol/conformance/dist/index.js');

/** The CLI names each scenario's result folder `server-<scenario>-<ISO time with dashes>`. */
const RESULT_FOLDER = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/;

/**
 * Runs every active server scenario of `@modelcontextprotocol/conformance` (the MCP project's
 * own suite, run as its CLI) against `url` and reads the checks it saved. The CLI exits non-zero
 * when any scenario fails; that is the caller's to judge, so its exit code is not an error here.
 */
export async function runServerConformance(url: string): Promise<ConformanceRun> {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  try {
    const child = spawn(process.execPath, [CLI, 'server', '--url', url, '--output-dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    await new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const checks: ConformanceCheck[] = [];
    for (const folder of readdirSync(dir)) {
      const scenario = RESULT_FOLDER.exec(folder)?.[1];
      if (!scenario) continue;
      const saved = JSON.parse(readFileSync(join(dir, folder, 'checks.json'), 'utf8')) as Omit<ConformanceCheck, 'scenario'>[];
      checks.push(...saved.map(({ id, status, errorMessage }) => ({ scenario, id, status, errorMessage })));
    }
    if (checks.length === 0) throw new Error(`the conformance CLI saved no results:\n${output}`);
    const scenarios = [...new Set(checks.map((c) => c.scenario))];
    return {
      checks,
      passedScenarios: scenarios.filter((s) => !checks.some((c) => c.scenario === s && c.status === 'FAILURE')).sort(),
      passedChecks: checks
        .filter((c) => c.status === 'SUCCESS')
        .map((c) => `${c.scenario}/${c.id}`)
        .sort(),
      output,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
