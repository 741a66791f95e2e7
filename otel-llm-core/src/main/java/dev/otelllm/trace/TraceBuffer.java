package dev.otelllm.trace;

import dev.otelllm.internal.EventContent;
import dev.otelllm.internal.HexIds;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 * lock, then holds a private lock only for O(1) work (append, evict the oldest, update the span,
 * trace and session indexes); it never throws. Reads copy what they return under the same lock, in
 * time proportional to their result, so they never block writers for long. Lookups by span id,
 * trace id and session id use indexes.
 *
 * <p>A live session can have its interactions kept apart from the ring ({@link
 * #newSessionHistory}), so that other sessions filling the buffer cannot erase its history. Queries
 * by session on the buffer itself see only what the ring still holds.
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

  private final int maxInteractions;
  private final long maxBytes;
  private final java.util.concurrent.atomic.AtomicLong oversized =
      new java.util.concurrent.atomic.AtomicLong();

  private final Object lock = new Object();
  // Guarded by lock: a circular array, oldest at head.
  private Interaction[] ring;
  private int[] sizes;
  private int head;
  private int count;
  private long bytes;
  private long evicted;
  // Span id -> interaction, trace id -> interaction(s), session id -> interaction(s). A key with
  // several interactions maps to a deque of them, oldest first (see Entries).
  private final IdTable bySpan = new IdTable();
  private final IdTable byTrace = new IdTable();
  private final HashMap<String, Object> bySession = new HashMap<>();

  // Interaction spans started in a context that carries a session history, until they end.
  private final Map<String, SessionHistory> startedInSession = new ConcurrentHashMap<>();

  // Content that other instrumentations emitted as log records, until its span ends.
  private final PendingContent pending;

  private TraceBuffer(Builder b) {
    this.maxInteractions = b.maxInteractions;
    this.maxBytes = b.maxBytes;
    long timeoutNanos;
    try {
      timeoutNanos = b.pendingTimeout.toNanos();
    } catch (ArithmeticException longerThanCenturies) {
      timeoutNanos = Long.MAX_VALUE;
    }
    this.pending = new PendingContent(b.maxPendingBytes, timeoutNanos, b.clock);
    int initial = Math.min(maxInteractions, 64);
    this.ring = new Interaction[initial];
    this.sizes = new int[initial];
  }

  /** A buffer of the last {@value #DEFAULT_MAX_INTERACTIONS} interactions. */
  public static TraceBuffer create() {
    return create(DEFAULT_MAX_INTERACTIONS);
  }

  /**
   * A buffer of the last {@code maxInteractions} interactions, with no byte bound.
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

  /** Most interactions kept. */
  public int maxInteractions() {
    return maxInteractions;
  }

  /** The byte bound, or {@code Long.MAX_VALUE} for none. */
  public long maxBytes() {
    return maxBytes;
  }

  // ---- SpanProcessor -----------------------------------------------------------------------

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    try {
      SessionHistory history = parentContext.get(SessionHistory.CONTEXT_KEY);
      if (history != null && history.belongsTo(this) && isInference(span)) {
        startedInSession.put(span.getSpanContext().getSpanId(), history);
      }
    } catch (RuntimeException e) {
      failures.log(Level.WARNING, "could not note the session of an interaction", e);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    try {
      SessionHistory history =
          startedInSession.isEmpty()
              ? null
              : startedInSession.remove(span.getSpanContext().getSpanId());
      // Taken for every span that ends, kept or not, so that nothing waits for a span that is gone.
      EventContent reported = pending.take(span.getSpanContext());
      if ((maxInteractions == 0 && history == null) || !isInference(span)) {
        return;
      }
      Interaction trace = SpanMapper.toTrace(span.toSpanData(), reported).orElse(null);
      if (trace == null) {
        return;
      }
      if (history != null) {
        history.add(trace);
      }
      add(trace);
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

  // ---- writing -----------------------------------------------------------------------------

  /**
   * Keeps one interaction, evicting the oldest ones past the bounds. Normally called by {@link
   * #onEnd}; public so that interactions read back from elsewhere can be queried the same way.
   */
  public void add(Interaction trace) {
    Objects.requireNonNull(trace, "trace");
    if (maxInteractions == 0) {
      return;
    }
    int size = TraceSizes.estimate(trace);
    if (size > maxBytes) {
      // Alone larger than the bound: kept without its content (and marked truncated), never whole.
      trace = trace.withoutContent();
      size = TraceSizes.estimate(trace);
      oversized.incrementAndGet();
    }
    synchronized (lock) {
      if (count == maxInteractions) {
        evictOldest();
      }
      if (count == ring.length) {
        grow();
      }
      int slot = (head + count) % ring.length;
      ring[slot] = trace;
      sizes[slot] = size;
      count++;
      bytes += size;
      bySpan.put(0, trace.spanIdBits(), trace);
      Object ofTrace = byTrace.putIfAbsent(trace.traceIdHigh(), trace.traceIdLow(), trace);
      if (ofTrace != null) {
        Object appended = Entries.append(ofTrace, trace);
        if (appended != ofTrace) {
          byTrace.put(trace.traceIdHigh(), trace.traceIdLow(), appended);
        }
      }
      if (!trace.sessionId().isEmpty()) {
        Object ofSession = bySession.get(trace.sessionId());
        Object withTrace = Entries.append(ofSession, trace);
        if (withTrace != ofSession) {
          bySession.put(trace.sessionId(), withTrace);
        }
      }
      while (bytes > maxBytes && count > 1) {
        evictOldest();
      }
    }
  }

  // Guarded by lock. The oldest entry of the ring is also the oldest of its trace and session
  // deques, because every deque is appended in ring order: removal is O(1).
  private void evictOldest() {
    Interaction old = ring[head];
    ring[head] = null;
    bytes -= sizes[head];
    head = (head + 1) % ring.length;
    count--;
    evicted++;
    // One probe per index: find the slot, then change or empty it.
    int spanSlot = bySpan.find(0, old.spanIdBits());
    if (spanSlot >= 0 && bySpan.valueAt(spanSlot) == old) {
      bySpan.removeAt(spanSlot);
    }
    int traceSlot = byTrace.find(old.traceIdHigh(), old.traceIdLow());
    if (traceSlot >= 0) {
      Object rest = Entries.removeOldest(byTrace.valueAt(traceSlot), old);
      if (rest == null) {
        byTrace.removeAt(traceSlot);
      } else {
        byTrace.setAt(traceSlot, rest);
      }
    }
    if (!old.sessionId().isEmpty()) {
      if (Entries.removeOldest(bySession.get(old.sessionId()), old) == null) {
        bySession.remove(old.sessionId());
      }
    }
  }

  private void grow() {
    int newLength = (int) Math.min((long) maxInteractions, Math.max(16L, ring.length * 2L));
    Interaction[] newRing = new Interaction[newLength];
    int[] newSizes = new int[newLength];
    for (int i = 0; i < count; i++) {
      int from = (head + i) % ring.length;
      newRing[i] = ring[from];
      newSizes[i] = sizes[from];
    }
    ring = newRing;
    sizes = newSizes;
    head = 0;
  }

  /** Drops every kept interaction (retained sessions keep theirs). */
  public void clear() {
    synchronized (lock) {
      Arrays.fill(ring, null);
      head = 0;
      count = 0;
      bytes = 0;
      bySpan.clear();
      byTrace.clear();
      bySession.clear();
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  /** Every kept interaction, oldest first. */
  public List<Interaction> getTraces() {
    return last(Integer.MAX_VALUE);
  }

  /** The kept interactions that match, oldest first. */
  public List<Interaction> getTraces(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    int last = query.lastOrNone();
    if (query.isPlain()) {
      return last < 0 ? getTraces() : last(last);
    }
    List<Interaction> candidates;
    if (query.spanIdOrNull() != null) {
      Interaction one = query.spanIdValid() ? bySpanId(query.spanIdBits()) : null;
      candidates = one == null ? List.of() : List.of(one);
    } else if (query.traceIdOrNull() != null) {
      if (!query.traceIdValid()) {
        return List.of();
      }
      synchronized (lock) {
        candidates = Entries.list(byTrace.get(query.traceIdHigh(), query.traceIdLow()));
      }
    } else if (query.sessionIdOrNull() != null) {
      synchronized (lock) {
        candidates = Entries.list(bySession.get(query.sessionIdOrNull()));
      }
    } else {
      candidates = getTraces();
    }
    List<Interaction> out = new ArrayList<>(candidates.size());
    for (Interaction t : candidates) {
      if (query.matches(t)) {
        out.add(t);
      }
    }
    if (last >= 0 && out.size() > last) {
      out = out.subList(out.size() - last, out.size());
    }
    return Collections.unmodifiableList(out);
  }

  /** The interaction with this span id, if it is still kept. */
  public Optional<Interaction> getInteraction(String spanId) {
    Objects.requireNonNull(spanId, "spanId");
    if (!HexIds.isHex(spanId, 16)) {
      return Optional.empty();
    }
    return Optional.ofNullable(bySpanId(HexIds.parse(spanId, 0, "spanId")));
  }

  private Interaction bySpanId(long bits) {
    synchronized (lock) {
      return (Interaction) bySpan.get(0, bits);
    }
  }

  /** The newest {@code n} interactions, oldest first. */
  public List<Interaction> last(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0, was " + n);
    }
    Interaction[] out;
    synchronized (lock) {
      int k = Math.min(n, count);
      if (k == 0) {
        return List.of();
      }
      out = new Interaction[k];
      int start = head + count - k;
      int length = ring.length;
      int first = Math.min(k, length - (start % length));
      System.arraycopy(ring, start % length, out, 0, first);
      if (first < k) {
        System.arraycopy(ring, 0, out, first, k - first);
      }
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /**
   * The value an index keeps for a key: most keys (trace ids outside workflows) have one
   * interaction, stored as the value itself; a deque, oldest first, appears only for a second one,
   * which saves a deque per kept interaction. Guarded by the buffer's lock.
   */
  private static final class Entries {
    private Entries() {}

    /** The value after appending {@code trace} to {@code existing} (null: none yet). */
    @SuppressWarnings("unchecked")
    static Object append(Object existing, Interaction trace) {
      if (existing == null) {
        return trace;
      }
      if (existing instanceof Interaction one) {
        ArrayDeque<Interaction> deque = new ArrayDeque<>(4);
        deque.addLast(one);
        deque.addLast(trace);
        return deque;
      }
      ((ArrayDeque<Interaction>) existing).addLast(trace);
      return existing;
    }

    /** The value after removing {@code old}, normally the oldest: O(1); null when none is left. */
    @SuppressWarnings("unchecked")
    static Object removeOldest(Object existing, Interaction old) {
      if (existing == old) {
        return null;
      }
      if (existing instanceof ArrayDeque<?> d) {
        ArrayDeque<Interaction> deque = (ArrayDeque<Interaction>) d;
        if (deque.peekFirst() == old) {
          deque.pollFirst();
        } else {
          deque.remove(old);
        }
        return deque.isEmpty() ? null : deque;
      }
      return existing;
    }

    static List<Interaction> list(Object existing) {
      if (existing == null) {
        return List.of();
      }
      if (existing instanceof Interaction one) {
        return List.of(one);
      }
      return Collections.unmodifiableList(
          Arrays.asList(((ArrayDeque<?>) existing).toArray(new Interaction[0])));
    }
  }

  /** How many interactions are kept. */
  public int size() {
    synchronized (lock) {
      return count;
    }
  }

  /**
   * Interactions that were larger than {@link #maxBytes()} on their own and kept without content.
   */
  public long oversizedCount() {
    return oversized.get();
  }

  /** Estimated bytes of the kept interactions. */
  public long estimatedBytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  /** How many interactions were evicted since creation. */
  public long evictedCount() {
    synchronized (lock) {
      return evicted;
    }
  }

  // ---- sessions ----------------------------------------------------------------------------

  /**
   * A history that keeps a session's interactions apart from the ring, up to {@code maxKept} of
   * them (the oldest are dropped past that), until it is closed. Interactions join it when they
   * start in a context from {@link SessionHistory#storeIn}; {@code Session} does this for every
   * turn.
   */
  public SessionHistory newSessionHistory(String sessionId, int maxKept) {
    Objects.requireNonNull(sessionId, "sessionId");
    if (sessionId.isEmpty()) {
      throw new IllegalArgumentException("sessionId must not be empty");
    }
    if (maxKept < 0) {
      throw new IllegalArgumentException("maxKept must be >= 0, was " + maxKept);
    }
    return new SessionHistory(this, sessionId, maxKept);
  }

  @Override
  public String toString() {
    return "TraceBuffer{maxInteractions="
        + maxInteractions
        + ", maxBytes="
        + maxBytes
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
    private long maxBytes = Long.MAX_VALUE;
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
     * Most estimated bytes kept (content plus a fixed overhead per interaction). An interaction
     * larger than this on its own is kept without its content ({@link
     * Interaction#contentTruncated()} true) and counted in {@link TraceBuffer#oversizedCount()}.
     * Default: no byte bound.
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
