/**
 * How long the emulated asynchronous operations take, in milliseconds. The real API takes seconds; the
 * defaults are short so tooling sees every state without slowing tests, and a `FakeClock` can step through them.
 */
export interface Timings {
  /** Route entry Pending → Available after CreateRouteEntry. */
  routeEntryCreate: number;
  /** Route entry Deleting → gone after DeleteRouteEntry. */
  routeEntryDelete: number;
  /** ENI Attaching → InUse. */
  eniAttach: number;
  /** ENI Detaching → Available. */
  eniDetach: number;
  /** ENI Deleting → gone. */
  eniDelete: number;
  /** BGP group / peer / network Pending → Available, and Deleting → gone. */
  bgp: number;
}

export const defaultTimings: Timings = {
  routeEntryCreate: 200,
  routeEntryDelete: 200,
  eniAttach: 200,
  eniDetach: 200,
  eniDelete: 100,
  bgp: 200,
};
