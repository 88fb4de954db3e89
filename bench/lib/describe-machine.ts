// The machine a run was measured on, for bench/RESULTS.md: figures are ratios measured in the same
// run, but absolute numbers only mean something next to the hardware that produced them.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** One line per fact: CPU, cores, memory, OS, Node, Chromium, load when the run started. */
export function describeMachine(chromiumPath = '/usr/bin/chromium'): string[] {
  const cores = cpus();
  const os = readOsRelease();
  let chromium = 'not found';
  try {
    chromium = execFileSync(chromiumPath, ['--version'], {
      encoding: 'utf8',
      timeout: 10_000,
      // Debian's launcher script complains on stderr about its own memory check; only stdout counts.
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    // Reported as not found; the widget benchmark then fails with its own message.
  }
  return [
    `CPU: ${cores[0]?.model ?? 'unknown'}, ${cores.length} logical cores`,
    `Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${os}, Linux ${readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim()}`,
    `Node.js: ${process.version}`,
    `Browser: ${chromium}`,
    `Load average when the run started (1/5/15 min): ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ')}`,
  ];
}

function readOsRelease(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
