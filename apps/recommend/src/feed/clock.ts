/** Injection token of the clock (milliseconds since the epoch), so tests can pin time. */
export const RECO_CLOCK = Symbol('RECO_CLOCK');

export type Clock = () => number;
