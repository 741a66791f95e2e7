package dev.otelllm.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs a repeated failure at most once a minute, with the number of occurrences suppressed in
 * between, so that a broken pipeline cannot flood the application's log. Thread-safe. Not API.
 */
public final class ThrottledLogger {
  private static final long INTERVAL_NANOS = 60_000_000_000L;

  private final Logger logger;
  private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLogger(Logger logger) {
    this.logger = logger;
  }

  public void log(Level level, String message, Throwable t) {
    long now = System.nanoTime();
    long next = nextLogAt.get();
    if ((next == Long.MIN_VALUE || now - next >= 0)
        && nextLogAt.compareAndSet(next, now + INTERVAL_NANOS)) {
      long skipped = suppressed.getAndSet(0);
      logger.log(
          level,
          skipped == 0 ? message : message + " (" + skipped + " similar failures not logged)",
          t);
    } else {
      suppressed.incrementAndGet();
    }
  }
}
