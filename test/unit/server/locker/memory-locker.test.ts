/** The in-process locker keeps the same locker contract as the Redis one (one instance only). */

import type { Locker } from '../../../../src/server/locker/locker.js';
import { memoryLocker } from '../../../../src/server/locker/memory-locker.js';
import { lockerContract } from '../../../helpers/locker-contract.js';

lockerContract('in-process', async () => {
  // Two "instances" of one process share one locker: that is all this locker can promise.
  const shared = memoryLocker();
  const view = (): Locker => ({
    acquire: (id, request) => shared.acquire(id, request),
    close: async () => {},
  });
  return { newLocker: view, close: () => shared.close() };
});
