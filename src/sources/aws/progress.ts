import cliProgress from 'cli-progress';
import type { ProbeSession } from './session.js';

/**
 * A one-line progress display on stderr (services seen, calls done, errors) while the probe runs.
 * Only for people: callers enable it when stderr is a terminal and --quiet is not set.
 */
export function showProgress(session: ProbeSession, stream: NodeJS.WriteStream = process.stderr): { stop(): void } {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'probe |{bar}| {value}/{total} calls | {services} services | {errors} errors',
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = 0;
  let errors = 0;
  const services = new Set<string>();
  bar.start(1, 0, { services: 0, errors: 0 });
  session.listen({
    onStart(service) {
      started += 1;
      services.add(service);
      bar.setTotal(Math.max(started, 1));
    },
    onEnd(entry) {
      if (!entry.ok) errors += 1;
      bar.increment(1, { services: services.size, errors });
    },
  });
  return { stop: () => bar.stop() };
}
