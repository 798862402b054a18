export { type Clock, FakeClock, systemClock, type TimerHandle } from './clock.js';
