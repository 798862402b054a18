import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '@edgeway/core';
import { CeaseSubcode, ErrorCode, encodeNotification } from '../wire/index.js';

/**
 * Refuses a TCP connection: NOTIFICATION Cease / Connection Rejected (RFC 4486 §4, subcode 5), then close. Input
 * is read and discarded so that closing does not reset the connection before the NOTIFICATION is delivered; the
 * socket is destroyed when the peer closes too, or after `boundMs`. Returns a function that destroys it at once.
 */
export function rejectConnection(socket: Socket, clock: Clock, boundMs: number): () => void {
  let timer: TimerHandle | undefined;
  const done = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    socket.destroy();
  };
  socket.on('error', () => {});
  socket.on('close', done);
  socket.resume();
  socket.end(
    encodeNotification({
      code: ErrorCode.Cease,
      subcode: CeaseSubcode.ConnectionRejected,
      data: new Uint8Array(0),
    }),
  );
  timer = clock.setTimeout(done, boundMs);
  return done;
}
