package dev.otelllm.trace;

import dev.otelllm.internal.EventContent;
import dev.otelllm.internal.SpanMapper;
import dev.otelllm.internal.ThrottledLogger;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The in-memory store of recent LLM interactions: a {@link SpanProcessor} that turns every ended
 * GenAI inference span into an {@link Interaction} and keeps the newest ones in a ring buffer
 * bounded by count and, optionally, by estimated bytes.
 *
 * <p>Add it to any {@code SdkTracerProviderBuilder}; it sees every span that ends, whether or not
 * it is sampled for export. Other spans are ignored.
 *
 * <p>Thread-safe. {@link #onEnd} does the span-to-record mapping on the ending thread without a
 * lock, then holds a private lock only for amortised O(1) work (append, evict the oldest, update
 * the span, trace and session indexes); it never throws. Reads copy what they return under the same
 * lock, in time proportional to their result, so they never block writers for long. Lookups by span
 * id, trace id and session id use indexes.
 *
 * <p><b>Sessions.</b> An interaction belongs to the session its span names ({@code session.id},
 * which {@code Session} and the session-baggage processor put there); {@link
 * TraceQuery#session(String)} returns every one the buffer holds, and {@code
 * Session.getInteractionHistory()} returns the newest of those, up to the session's bound. A
 * retained session ({@link #retainSession}; {@code Session} retains its own while open) keeps its
 * newest interactions after they leave the ring, so that other traffic filling the buffer cannot
 * erase them. At most {@link Builder#maxSessions} sessions are retained at once (the least recently
 * active one gives way), and what they keep is counted in {@link #estimatedBytes()} and bounded by
 * {@link Builder#maxBytes}: an application that opens sessions and never closes them holds no more
 * than these bounds. Nothing is kept per span while it runs.
 *
 * <p><b>Content reported in log records.</b> Other instrumentations (the official openai-java one,
 * for instance) record the span without its content and emit the prompt and the answer as log
 * records in the span's context: the deprecated per-message events ({@code gen_ai.system.message},
 * {@code gen_ai.user.message}, {@code gen_ai.assistant.message}, {@code gen_ai.tool.message},
 * {@code gen_ai.choice}) or {@code gen_ai.client.inference.operation.details}. Add {@link
 * #logRecordProcessor()} to the same SDK's logger provider (see {@code LlmTracing.addProcessors})
 * and the buffer holds that content by span id until the span ends, then keeps it in that span's
 * one interaction, however many records carried it. What waits is bounded: by estimated bytes
 * ({@link Builder#maxPendingBytes}, 16 MiB by default; the oldest spans' content goes first) and by
 * time ({@link Builder#pendingTimeout}, ten minutes by default: content of a span that has not
 * ended that long after its first record is dropped at the next record or span end, so a span that
 * never ends holds nothing for longer). Records that arrive after their span ended, or whose span
 * is not recording, are ignored. Content dropped before its span ended is counted in {@link
 * #droppedContentCount()}; records that arrive afterwards for that span are kept, so its
 * interaction may then show only part of the conversation.
 */
public final class TraceBuffer implements SpanProcessor {

  private static final Logger logger = Logger.getLogger(TraceBuffer.class.getName());
  private static final ThrottledLogger failures = new ThrottledLogger(logger);

  /** The {@code maxInteractions} of {@link #create()}. */
  public static final int DEFAULT_MAX_INTERACTIONS = 100;

  /** The default of {@link Builder#maxSessions}. */
  public static final int DEFAULT_MAX_SESSIONS = 100;

  // The ring, the session histories, the indexes and the byte accounting.
  private final InteractionStore store;

  // Content that other instrumentations emitted as log records, until its span ends.
  private final PendingContent pending;

  private TraceBuffer(Builder b) {
    this.store = new InteractionStore(b.maxInteractions, b.maxBytes, b.maxSessions);
    long timeoutNanos;
    try {
      timeoutNanos = b.pendingTimeout.toNanos();
    } catch (ArithmeticException longerThanCenturies) {
      timeoutNanos = Long.MAX_VALUE;
    }
    this.pending = new PendingContent(b.maxPendingBytes, timeoutNanos, b.clock);
  }

  /**
   * The default byte bound of a buffer, ring and retained session histories together: 64 MiB (about
   * 13,000 interactions of 2 KB prompt and 2 KB answer).
   */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  /** A buffer of the last {@value #DEFAULT_MAX_INTERACTIONS} interactions. */
  public static TraceBuffer create() {
    return create(DEFAULT_MAX_INTERACTIONS);
  }

  /**
   * A buffer of the last {@code maxInteractions} interactions, within the default byte bound
   * ({@value #DEFAULT_MAX_BYTES} bytes, 64 MiB).
   *
   * @param maxInteractions {@code >= 0}; 0 keeps nothing in the ring (retained sessions still keep
   *     theirs)
   */
  public static TraceBuffer create(int maxInteractions) {
    return builder().maxInteractions(maxInteractions).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Most interactions kept in the ring. */
  public int maxInteractions() {
    return store.maxInteractions();
  }

  /** Most sessions retained at once ({@link Builder#maxSessions}). */
  public int maxSessions() {
    return store.maxSessions();
  }

  /**
   * The byte bound ({@value #DEFAULT_MAX_BYTES} unless set), or {@code Long.MAX_VALUE} for none.
   */
  public long maxBytes() {
    return store.maxBytes();
  }

  // ---- SpanProcessor -----------------------------------------------------------------------

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      // Taken for every span that ends, kept or not, so that nothing waits for a span that is gone.
      EventContent reported = pending.take(span.getSpanContext());
      if (store.keepsNothing() || !isInference(span)) {
        return;
      }
      SpanMapper.toTrace(span.toSpanData(), reported).ifPresent(store::add);
    } catch (Throwable t) {
      failures.log(Level.WARNING, "could not keep an interaction in memory", t);
    }
  }

  private static boolean isInference(ReadableSpan span) {
    if (span.getKind() != SpanKind.CLIENT && span.getKind() != SpanKind.INTERNAL) {
      return false;
    }
    String op = span.getAttribute(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME);
    return op != null && SpanMapper.INFERENCE_OPERATIONS.contains(op);
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  // ---- content from log records --------------------------------------------------------------

  /**
   * The log record processor that feeds this buffer the content other instrumentations emit as log
   * records (see the class comment); the same instance on every call. Add it to the logger provider
   * of the SDK whose tracer provider has this buffer. It reads the records and changes nothing in
   * them; it never throws or blocks beyond a short private lock.
   */
  public LogRecordProcessor logRecordProcessor() {
    return pending;
  }

  /** Spans whose content from log records waits for them to end. */
  public int pendingContentCount() {
    return pending.size();
  }

  /**
   * Spans whose content from log records was dropped before they ended: too old ({@link
   * Builder#pendingTimeout}) or past {@link Builder#maxPendingBytes}.
   */
  public long droppedContentCount() {
    return pending.droppedCount();
  }

  /** Drops every kept interaction, session histories included; retained sessions stay so. */
  public void clear() {
    store.clear();
  }

  // ---- reading -----------------------------------------------------------------------------

  /** Every interaction in the ring, oldest first. */
  public List<Interaction> getTraces() {
    return store.last(Integer.MAX_VALUE);
  }

  /**
   * The kept interactions that match, oldest first. Queries by span id, trace id or session see
   * retained session histories too; the others look at the ring.
   */
  public List<Interaction> getTraces(TraceQuery query) {
    return store.query(query);
  }

  /** The interaction with this span id, if it is still kept (in the ring or a session history). */
  public Optional<Interaction> getInteraction(String spanId) {
    return store.byHexSpanId(spanId);
  }

  /** The newest {@code n} interactions of the ring, oldest first. */
  public List<Interaction> last(int n) {
    return store.last(n);
  }

  /** How many interactions the ring holds. */
  public int size() {
    return store.size();
  }

  /**
   * Interactions that were larger than {@link #maxBytes()} on their own and kept without content.
   */
  public long oversizedCount() {
    return store.oversizedCount();
  }

  /** Estimated bytes of every kept interaction, in the ring and in retained session histories. */
  public long estimatedBytes() {
    return store.estimatedBytes();
  }

  /** How many interactions were dropped (from the ring and from every history) since creation. */
  public long evictedCount() {
    return store.evictedCount();
  }

  // ---- sessions ----------------------------------------------------------------------------

  /**
   * Retains a session until the returned hold is closed: its newest {@code maxKept} interactions
   * stay after they leave the ring, so {@link TraceQuery#session(String)} keeps finding them while
   * other traffic fills the buffer. {@code Session} does this while it is open; call it for
   * sessions the library did not open (a chat-memory id, a {@code session.id} that arrived in
   * baggage). Holds on one id share one history, bounded by the largest {@code maxKept} still held;
   * it ends when the last hold is closed, or earlier when {@link Builder#maxSessions} newer
   * sessions are retained. Its interactions still in the ring stay there. Never blocks beyond a
   * short lock.
   *
   * @param maxKept {@code >= 0}; 0 keeps nothing beyond the ring
   */
  public SessionHold retainSession(String sessionId, int maxKept) {
    return store.retain(sessionId, maxKept)::close;
  }

  /**
   * A hold on a retained session ({@link #retainSession}); closing it releases the hold, once
   * (later calls do nothing). Thread-safe.
   */
  public interface SessionHold extends AutoCloseable {
    @Override
    void close();
  }

  @Override
  public String toString() {
    return "TraceBuffer{maxInteractions="
        + maxInteractions()
        + ", maxBytes="
        + maxBytes()
        + ", size="
        + size()
        + "}";
  }

  /** The default of {@link Builder#maxPendingBytes}: 16 MiB. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 16L << 20;

  /** The default of {@link Builder#pendingTimeout}: ten minutes. */
  public static final Duration DEFAULT_PENDING_TIMEOUT = Duration.ofMinutes(10);

  /** Builds a {@link TraceBuffer}. Not thread-safe. */
  public static final class Builder {
    private int maxInteractions = DEFAULT_MAX_INTERACTIONS;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxSessions = DEFAULT_MAX_SESSIONS;
    private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
    private Duration pendingTimeout = DEFAULT_PENDING_TIMEOUT;
    private Clock clock = Clock.getDefault();

    private Builder() {}

    /**
     * Most interactions kept; {@code >= 0}, default {@value TraceBuffer#DEFAULT_MAX_INTERACTIONS}.
     */
    public Builder maxInteractions(int maxInteractions) {
      if (maxInteractions < 0) {
        throw new IllegalArgumentException("maxInteractions must be >= 0, was " + maxInteractions);
      }
      this.maxInteractions = maxInteractions;
      return this;
    }

    /**
     * Most sessions retained at once ({@link TraceBuffer#retainSession}, which every open {@code
     * Session} does); retaining one more ends the retention of the least recently active one, whose
     * interactions outside the ring are then dropped. {@code >= 0}; 0 retains none. Default {@value
     * TraceBuffer#DEFAULT_MAX_SESSIONS}.
     */
    public Builder maxSessions(int maxSessions) {
      if (maxSessions < 0) {
        throw new IllegalArgumentException("maxSessions must be >= 0, was " + maxSessions);
      }
      this.maxSessions = maxSessions;
      return this;
    }

    /**
     * Most estimated bytes kept (content plus a fixed overhead per interaction), in the ring and in
     * retained session histories together. Past it the ring's oldest go first, down to the newest
     * one (a retained session's interactions stay in its history), then the oldest of the least
     * recently active session's history. An interaction larger than this on its own is kept without
     * its content ({@link Interaction#contentTruncated()} true) and counted in {@link
     * TraceBuffer#oversizedCount()}. Default {@value TraceBuffer#DEFAULT_MAX_BYTES} (64 MiB), so
     * that sessions left open and long conversations cannot grow without end; {@code
     * Long.MAX_VALUE} for no byte bound.
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Most estimated bytes of content from log records that wait for their spans to end, all spans
     * together; past it the content of the spans whose first record is oldest is dropped. Default
     * 16 MiB ({@link TraceBuffer#DEFAULT_MAX_PENDING_BYTES}).
     */
    public Builder maxPendingBytes(long maxPendingBytes) {
      if (maxPendingBytes <= 0) {
        throw new IllegalArgumentException("maxPendingBytes must be > 0, was " + maxPendingBytes);
      }
      this.maxPendingBytes = maxPendingBytes;
      return this;
    }

    /**
     * How long content from log records waits for its span to end, from the span's first record;
     * then it is dropped, so that a span that never ends does not hold it. Default ten minutes,
     * positive.
     */
    public Builder pendingTimeout(Duration pendingTimeout) {
      Objects.requireNonNull(pendingTimeout, "pendingTimeout");
      if (pendingTimeout.isNegative() || pendingTimeout.isZero()) {
        throw new IllegalArgumentException(
            "pendingTimeout must be positive, was " + pendingTimeout);
      }
      this.pendingTimeout = pendingTimeout;
      return this;
    }

    /**
     * The clock whose {@link Clock#nanoTime()} measures {@link #pendingTimeout}; default the
     * system's. For tests.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public TraceBuffer build() {
      return new TraceBuffer(this);
    }
  }
}
