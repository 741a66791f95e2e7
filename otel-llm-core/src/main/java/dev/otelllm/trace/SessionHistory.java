package dev.otelllm.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The interactions of one live session, kept apart from the global ring so that other sessions
 * filling the buffer cannot erase them. Obtained from {@link TraceBuffer#retainSession}; kept
 * until {@link #close()} or until this object is no longer reachable, bounded by its own {@code
 * maxKept}. Thread-safe.
 */
public final class SessionHistory implements AutoCloseable {

  private final TraceBuffer buffer;
  private final String sessionId;
  private final int maxKept;
  private final Object lock = new Object();
  private final ArrayDeque<LlmTrace> traces = new ArrayDeque<>();
  private volatile boolean closed;

  SessionHistory(TraceBuffer buffer, String sessionId, int maxKept) {
    this.buffer = buffer;
    this.sessionId = sessionId;
    this.maxKept = maxKept;
  }

  public String sessionId() {
    return sessionId;
  }

  /** The session's most kept interactions ({@code Integer.MAX_VALUE} for no bound). */
  public int maxKept() {
    return maxKept;
  }

  /** The session's interactions, oldest first. */
  public List<LlmTrace> traces() {
    synchronized (lock) {
      return List.copyOf(new ArrayList<>(traces));
    }
  }

  void add(LlmTrace trace) {
    if (closed || maxKept == 0) {
      return;
    }
    synchronized (lock) {
      if (traces.size() == maxKept) {
        traces.pollFirst();
      }
      traces.addLast(trace);
    }
  }

  /** Stops keeping this session's interactions apart and frees them. Idempotent. */
  @Override
  public void close() {
    closed = true;
    buffer.release(this);
    synchronized (lock) {
      traces.clear();
    }
  }
}
