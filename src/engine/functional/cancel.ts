/** Thrown out of a functional run when its `shouldStop()` answers true. */
export class FunctionalRunCancelled extends Error {
  constructor() {
    super('functional simulation cancelled');
    this.name = 'FunctionalRunCancelled';
  }
}

/** Polls the caller's stop flag; cheap enough to call between kernel calls of a few ms each. */
export function checkStop(shouldStop: (() => boolean) | undefined): void {
  if (shouldStop?.()) throw new FunctionalRunCancelled();
}
