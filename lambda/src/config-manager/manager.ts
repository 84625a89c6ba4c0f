import { handleApi, isHttpEvent } from './api.js';
import type { ManagerDeps } from './context.js';
import { isRotationEvent, rotate } from './rotation.js';
import { isScheduledEvent, sweepGatingTimeouts } from './sweep.js';

/**
 * One function, three callers: API Gateway (the dashboard routes), Secrets Manager (rotation
 * steps) and an EventBridge schedule (the gating timeout sweep). Anything else is refused.
 */
export function createConfigManager(deps: ManagerDeps): (event: unknown) => Promise<unknown> {
  return async (event: unknown) => {
    if (isHttpEvent(event)) return handleApi(deps, event);
    if (isRotationEvent(event))
      return rotate(event, { sm: deps.sm, secretNamePrefix: deps.config.secretNamePrefix, audit: deps.audit, log: deps.log });
    if (isScheduledEvent(event)) return sweepGatingTimeouts(deps);
    deps.log.error('unrecognised invocation refused');
    throw new Error('unrecognised invocation: not an API request, a rotation step or the gating schedule');
  };
}
