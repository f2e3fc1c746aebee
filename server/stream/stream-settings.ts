// The stream's limits from the configuration (LH_STREAM_* settings): the composition root passes the result to
// attachStream as its options.
import type { Config } from '../config.js';
import { STREAM_DEFAULTS, type StreamOptions } from './attach-stream.js';

type StreamSettings = Pick<Config, 'streamHeartbeatMs' | 'streamMaxClients' | 'streamMaxMessageBytes' | 'streamMaxBufferedBytes' | 'streamMaxQueued' | 'streamMaxStallMs'>;

export function streamOptions(config: StreamSettings): Partial<StreamOptions> {
  return {
    heartbeatMs: config.streamHeartbeatMs,
    maxClients: config.streamMaxClients,
    maxPayload: config.streamMaxMessageBytes,
    maxBufferedBytes: config.streamMaxBufferedBytes,
    // Sending pauses at a quarter of the close mark, never above the default pause mark.
    highWaterBytes: Math.max(1, Math.min(STREAM_DEFAULTS.highWaterBytes, Math.floor(config.streamMaxBufferedBytes / 4))),
    maxQueued: config.streamMaxQueued,
    maxStallMs: config.streamMaxStallMs,
  };
}
