import { ContainerModule } from 'inversify';
import { SystemClock } from '../adapters/system/system-clock.js';
import { TimeOrderedIdGenerator } from '../adapters/system/time-ordered-id-generator.js';
import { TYPES } from './types.js';

export const systemModule = new ContainerModule(({ bind }) => {
  bind(TYPES.Clock).toConstantValue(new SystemClock());
  bind(TYPES.IdGenerator).toConstantValue(new TimeOrderedIdGenerator());
});
