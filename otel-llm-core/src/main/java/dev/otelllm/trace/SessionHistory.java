package dev.otelllm.trace;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * The interactions of one live session, kept apart from the buffer's ring so that other sessions
 * filling the buffer cannot erase them. Obtained from {@link TraceBuffer#newSessionHistory}.
 *
 * <p>An interaction joins this history when its span starts in a context that carries this object
 * ({@link #storeIn(Context)}): the object itself, not the session id in the baggage, decides. So
 * baggage from an upstream service that names the same session id cannot write into it, and two
 * sessions that share an id keep separate histories. Bounded by its own {@code maxKept} (the oldest
 * are dropped past it); {@link #close()} frees it. Thread-safe.
 */
public final class SessionHistory implements AutoCloseable {

  static final ContextKey<SessionHistory> CONTEXT_KEY =
      ContextKey.named("otel-llm-session-history");

  private final TraceBuffer buffer;
  private final String sessionId;
  private final int maxKept;
  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<Interaction> traces = new ArrayDeque<>();
  private boolean closed;

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

  /** A context in which started interactions join this history. */
  public Context storeIn(Context context) {
    return Objects.requireNonNull(context, "context").with(CONTEXT_KEY, this);
  }

  /** The session's interactions, oldest first. */
  public List<Interaction> traces() {
    synchronized (lock) {
      return List.copyOf(traces);
    }
  }

  boolean belongsTo(TraceBuffer b) {
    return buffer == b;
  }

  void add(Interaction trace) {
    if (maxKept == 0) {
      return;
    }
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (traces.size() == maxKept) {
        traces.pollFirst();
      }
      traces.addLast(trace);
    }
  }

  /** Stops keeping this session's interactions and frees them. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      traces.clear();
    }
  }
}
