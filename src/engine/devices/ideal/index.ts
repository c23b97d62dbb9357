/** A cell without non-idealities, costed as PCM: it isolates the circuit's own errors. */
import type { DevicePlugin } from '../plugin';
import { createIdealDevice } from './model';

export const idealDevice: DevicePlugin<undefined> = {
  id: 'ideal',
  cost: { costsAs: 'pcm' },
  createModel: () => createIdealDevice(),
  curves: true,
};
