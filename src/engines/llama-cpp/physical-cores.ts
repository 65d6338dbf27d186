import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Physical cores, not logical ones: llama.cpp's default of 4 threads made a full-size
 * model ~25× slower on a 2-vCPU machine, and hyper-threads add contention, not speed.
 * Linux reports cores in /proc/cpuinfo; elsewhere the logical count is the best we know.
 */
export function physicalCoreCount(): number {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const cores = new Set<string>();
    let physicalId = '0';
    for (const line of cpuinfo.split('\n')) {
      const [key, value] = line.split(':').map((part) => part.trim());
      if (key === 'physical id' && value !== undefined) physicalId = value;
      if (key === 'core id' && value !== undefined) cores.add(`${physicalId}:${value}`);
    }
    if (cores.size > 0) return Math.min(cores.size, availableParallelism());
  } catch {
    // Not Linux, or /proc is hidden: fall through.
  }
  return availableParallelism();
}
