/** The one root logger. Message bodies and raw indicators are never logged at info level or above. */
import pino, { type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'threatpredict' },
      redact: { paths: ['*.value', '*.raw', '*.body', 'items'], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
