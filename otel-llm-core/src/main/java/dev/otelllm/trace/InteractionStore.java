package dev.otelllm.trace;

import dev.otelllm.internal.HexIds;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link TraceBuffer} keeps its interactions: a ring of the newest ones, the histories of
 * retained sessions beyond it, indexes by span id, trace id and session id, and the byte
 * accounting. It knows nothing of spans: interactions come in through {@link #add}.
 *
 * <p><b>One session model.</b> A session's interactions are those whose {@link
 * Interaction#sessionId()} is its id; {@code TraceQuery.session(id)} returns every one the store
 * holds. A retained session ({@link #retain}) keeps its newest {@code maxKept} interactions after
 * they leave the ring. At most {@code maxSessions} sessions are retained: a new one ends the
 * retention of the one whose last interaction (or retention) is oldest. Every interaction held, in
 * the ring or only in a history, is counted once in {@link #estimatedBytes()} and bounded by {@code
 * maxBytes}: past it the ring's oldest go first (down to one), then the oldest of the least
 * recently active session.
 *
 * <p>Thread-safe: one private lock, held for amortised O(1) work per write; reads copy their result
 * under it.
 */
final class InteractionStore {

  private final int maxInteractions;
  private final long maxBytes;
  private final int maxSessions;
  private final AtomicLong oversized = new AtomicLong();

  private final Object lock = new Object();
  // Guarded by lock: a circular array, oldest at head.
  private Interaction[] ring;
  private int[] sizes;
  private int head;
  private int count;
  // Every interaction held, in the ring or only in a retained history.
  private long bytes;
  private int held;
  private long evicted;
  // Span id -> interaction, trace id -> interaction(s), session id -> interaction(s), over every
  // interaction held. A key with several interactions maps to a deque of them, oldest first (see
  // Entries). A session's deque is always a suffix of its interactions in arrival order: the ring
  // holds a suffix of everything and a retained history a suffix of the session's, so whatever
  // leaves it is its oldest.
  private final IdTable bySpan = new IdTable();
  private final IdTable byTrace = new IdTable();
  private final HashMap<String, Object> bySession = new HashMap<>();
  // Retained sessions, least recently active first.
  private final LinkedHashMap<String, Retention> retained = new LinkedHashMap<>();
  // Written under lock; read without it so that a writer with nothing to keep skips its work.
  private volatile int retainedCount;

  /**
   * What a store keeps of one retained session beyond the ring. Guarded by the store's lock.
   *
   * <p>{@code inRing} counts the session's interactions still in the ring: they are the newest
   * {@code inRing} of its deque, so the ring's oldest one of them stands at position {@code inRing
   * - 1} from the newest and stays held when that is below {@code maxKept}.
   */
  static final class Retention {
    final String sessionId;
    int maxKept;
    int holders;
    // How many open holds asked for each bound: the history keeps the largest, and shrinks to the
    // next largest when the last hold asking for it is released. A count per distinct bound, so
    // holds never closed cost nothing per hold.
    final java.util.TreeMap<Integer, Integer> bounds = new java.util.TreeMap<>();
    int inRing;
    boolean ended;

    private Retention(String sessionId, int maxKept) {
      this.sessionId = sessionId;
      this.maxKept = maxKept;
    }
  }

  /**
   * @param maxInteractions most interactions in the ring, {@code >= 0}
   * @param maxBytes most estimated bytes of everything held, {@code > 0}
   * @param maxSessions most sessions retained at once, {@code >= 0}
   */
  InteractionStore(int maxInteractions, long maxBytes, int maxSessions) {
    this.maxInteractions = maxInteractions;
    this.maxBytes = maxBytes;
    this.maxSessions = maxSessions;
    int initial = Math.min(maxInteractions, 64);
    this.ring = new Interaction[initial];
    this.sizes = new int[initial];
  }

  int maxInteractions() {
    return maxInteractions;
  }

  long maxBytes() {
    return maxBytes;
  }

  int maxSessions() {
    return maxSessions;
  }

  /** True when an interaction could not be kept anywhere: no ring and no retained session. */
  boolean keepsNothing() {
    return maxInteractions == 0 && retainedCount == 0;
  }

  // ---- writing -----------------------------------------------------------------------------

  /** Keeps one interaction, evicting past the bounds. */
  void add(Interaction interaction) {
    Objects.requireNonNull(interaction, "interaction");
    if (keepsNothing()) {
      return;
    }
    int size = TraceSizes.estimate(interaction);
    if (size > maxBytes) {
      // Alone larger than the bound: kept without its content (and marked truncated), never whole.
      interaction = interaction.withoutContent();
      size = TraceSizes.estimate(interaction);
      oversized.incrementAndGet();
    }
    String sessionId = interaction.sessionId();
    synchronized (lock) {
      Retention retention = sessionId.isEmpty() ? null : retained.get(sessionId);
      boolean toRing = maxInteractions > 0;
      if (!toRing && (retention == null || retention.maxKept == 0)) {
        return;
      }
      if (toRing) {
        if (count == maxInteractions) {
          evictOldest();
        }
        if (count == ring.length) {
          grow();
        }
        int slot = (head + count) % ring.length;
        ring[slot] = interaction;
        sizes[slot] = size;
        count++;
      }
      bytes += size;
      held++;
      bySpan.put(0, interaction.spanIdBits(), interaction);
      Object ofTrace =
          byTrace.putIfAbsent(interaction.traceIdHigh(), interaction.traceIdLow(), interaction);
      if (ofTrace != null) {
        Object appended = Entries.append(ofTrace, interaction);
        if (appended != ofTrace) {
          byTrace.put(interaction.traceIdHigh(), interaction.traceIdLow(), appended);
        }
      }
      if (!sessionId.isEmpty()) {
        Object ofSession = bySession.get(sessionId);
        Object withIt = Entries.append(ofSession, interaction);
        if (withIt != ofSession) {
          bySession.put(sessionId, withIt);
        }
      }
      if (retention != null) {
        if (toRing) {
          retention.inRing++;
        }
        touch(retention);
        trimHistory(retention);
      }
      // Over the byte bound, the older of two goes first: the ring's oldest interaction, or the
      // oldest kept-only interaction of the least recently active retained session when that
      // session was last active before the ring's oldest started. So a session left open and idle
      // gives way to new traffic, and an active one is not emptied for it.
      // The idle session is looked for only when some interaction is held by a history alone
      // (held > count), and again only when the one found has nothing left outside the ring or an
      // eviction just moved a turn into a history: a scan of at most maxSessions, not one per pass.
      Retention idle = bytes > maxBytes && held > count ? leastRecentlyActiveWithHistory() : null;
      while (bytes > maxBytes) {
        boolean ringFirst =
            count > 1
                && (idle == null
                    || ring[head].startEpochNanos()
                        <= Entries.newest(bySession.get(idle.sessionId)).startEpochNanos());
        if (ringFirst) {
          long heldBefore = held;
          evictOldest();
          if (idle == null && held == heldBefore && held > count) {
            // The evicted turn stayed in its session's history: there is a history to weigh now.
            idle = leastRecentlyActiveWithHistory();
          }
        } else if (idle != null) {
          forgetOldestOf(idle.sessionId);
          if (Entries.size(bySession.get(idle.sessionId)) <= idle.inRing) {
            idle = held > count ? leastRecentlyActiveWithHistory() : null;
          }
        } else {
          break;
        }
      }
    }
  }

  // Guarded by lock. The oldest entry of the ring is the oldest of its session's deque unless the
  // session keeps it; it is usually the oldest of its trace's.
  private void evictOldest() {
    Interaction old = ring[head];
    ring[head] = null;
    int size = sizes[head];
    head = (head + 1) % ring.length;
    count--;
    if (!old.sessionId().isEmpty()) {
      Retention retention = retained.get(old.sessionId());
      if (retention != null) {
        retention.inRing--;
        if (retention.inRing < retention.maxKept) {
          return; // still in its session's history
        }
      }
    }
    forget(old, size);
  }

  // Guarded by lock: removes one held interaction from the counts and every index.
  private void forget(Interaction old, int size) {
    bytes -= size;
    held--;
    evicted++;
    // One probe per index: find the slot, then change or empty it.
    int spanSlot = bySpan.find(0, old.spanIdBits());
    if (spanSlot >= 0 && bySpan.valueAt(spanSlot) == old) {
      bySpan.removeAt(spanSlot);
    }
    int traceSlot = byTrace.find(old.traceIdHigh(), old.traceIdLow());
    if (traceSlot >= 0) {
      Object rest = Entries.remove(byTrace.valueAt(traceSlot), old);
      if (rest == null) {
        byTrace.removeAt(traceSlot);
      } else {
        byTrace.setAt(traceSlot, rest);
      }
    }
    if (!old.sessionId().isEmpty()) {
      Object ofSession = bySession.get(old.sessionId());
      Object rest = Entries.remove(ofSession, old);
      if (rest == null) {
        bySession.remove(old.sessionId());
      } else if (rest != ofSession) {
        bySession.put(old.sessionId(), rest);
      }
    }
  }

  // Guarded by lock: drops the session's oldest interactions that are neither in the ring nor
  // among its newest maxKept.
  private void trimHistory(Retention retention) {
    while (true) {
      int size = Entries.size(bySession.get(retention.sessionId));
      if (size <= retention.inRing || size - 1 < retention.maxKept) {
        return;
      }
      forgetOldestOf(retention.sessionId);
    }
  }

  // Guarded by lock: the session's oldest interaction, known to be held only by its history.
  private void forgetOldestOf(String sessionId) {
    Interaction old = Entries.oldest(bySession.get(sessionId));
    // Sizes are kept for the ring only; an interaction is immutable, so its estimate is the same.
    forget(old, TraceSizes.estimate(old));
  }

  // Guarded by lock: the least recently active retained session that keeps interactions the ring
  // no longer holds, or null.
  private @Nullable Retention leastRecentlyActiveWithHistory() {
    for (Retention retention : retained.values()) {
      if (Entries.size(bySession.get(retention.sessionId)) > retention.inRing) {
        return retention;
      }
    }
    return null;
  }

  // Guarded by lock: makes the session the most recently active.
  private void touch(Retention retention) {
    retained.remove(retention.sessionId);
    retained.put(retention.sessionId, retention);
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

  /** Drops every interaction held, histories included; retained sessions stay retained. */
  void clear() {
    synchronized (lock) {
      Arrays.fill(ring, null);
      head = 0;
      count = 0;
      bytes = 0;
      held = 0;
      bySpan.clear();
      byTrace.clear();
      bySession.clear();
      for (Retention retention : retained.values()) {
        retention.inRing = 0;
      }
    }
  }

  // ---- sessions ----------------------------------------------------------------------------

  /**
   * Retains a session: its newest {@code maxKept} interactions stay after they leave the ring,
   * until every holder released it or {@code maxSessions} newer retentions pushed it out. A session
   * retained twice keeps the larger bound. The handle's {@code close()} releases this hold, once.
   */
  Hold retain(String sessionId, int maxKept) {
    Objects.requireNonNull(sessionId, "sessionId");
    if (sessionId.isEmpty()) {
      throw new IllegalArgumentException("sessionId must not be empty");
    }
    if (maxKept < 0) {
      throw new IllegalArgumentException("maxKept must be >= 0, was " + maxKept);
    }
    synchronized (lock) {
      Retention retention = retained.get(sessionId);
      if (retention == null) {
        retention = new Retention(sessionId, maxKept);
        // Not retained until now, so whatever the store holds of it is in the ring.
        retention.inRing = Entries.size(bySession.get(sessionId));
        retained.put(sessionId, retention);
        while (retained.size() > maxSessions) {
          end(retained.values().iterator().next());
        }
      } else {
        retention.maxKept = Math.max(retention.maxKept, maxKept);
        touch(retention);
      }
      retention.holders++;
      retention.bounds.merge(maxKept, 1, Integer::sum);
      retainedCount = retained.size();
      return new Hold(this, retention, maxKept);
    }
  }

  private void release(Retention retention, int bound) {
    synchronized (lock) {
      retention.bounds.computeIfPresent(bound, (b, n) -> n == 1 ? null : n - 1);
      if (!retention.ended) {
        if (--retention.holders == 0) {
          end(retention);
        } else {
          retention.maxKept = retention.bounds.isEmpty() ? 0 : retention.bounds.lastKey();
          trimHistory(retention);
        }
      }
      retainedCount = retained.size();
    }
  }

  // Guarded by lock: the session's interactions outside the ring go; those inside stay there.
  private void end(Retention retention) {
    retention.ended = true;
    retained.remove(retention.sessionId);
    while (Entries.size(bySession.get(retention.sessionId)) > retention.inRing) {
      forgetOldestOf(retention.sessionId);
    }
  }

  /** One hold on a retained session; {@link #close()} releases it, once. Thread-safe. */
  static final class Hold implements AutoCloseable {
    private final InteractionStore store;
    private final Retention retention;
    private final int bound;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Hold(InteractionStore store, Retention retention, int bound) {
      this.store = store;
      this.retention = retention;
      this.bound = bound;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        store.release(retention, bound);
      }
    }
  }

  // ---- reading -----------------------------------------------------------------------------

  /** The interactions that match, oldest first: by index for ids and sessions, else the ring. */
  List<Interaction> query(TraceQuery query) {
    Objects.requireNonNull(query, "query");
    int last = query.lastOrNone();
    if (query.isPlain()) {
      return last(last < 0 ? Integer.MAX_VALUE : last);
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
      candidates = last(Integer.MAX_VALUE);
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

  /** The interaction with this span id (hex, any case), if it is held. */
  Optional<Interaction> byHexSpanId(String spanId) {
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

  /** The newest {@code n} interactions of the ring, oldest first. */
  List<Interaction> last(int n) {
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

  /** Interactions in the ring. */
  int size() {
    synchronized (lock) {
      return count;
    }
  }

  /** Interactions held, in the ring or only in a retained history. */
  int heldCount() {
    synchronized (lock) {
      return held;
    }
  }

  /** Sessions retained now. */
  int retainedSessionCount() {
    return retainedCount;
  }

  /** Keys of the session index: sessions with at least one interaction held. */
  int indexedSessionCount() {
    synchronized (lock) {
      return bySession.size();
    }
  }

  long oversizedCount() {
    return oversized.get();
  }

  long estimatedBytes() {
    synchronized (lock) {
      return bytes;
    }
  }

  long evictedCount() {
    synchronized (lock) {
      return evicted;
    }
  }

  /**
   * The value an index keeps for a key: most keys (trace ids outside workflows) have one
   * interaction, stored as the value itself; a deque, oldest first, appears only for a second one,
   * which saves a deque per kept interaction. Guarded by the store's lock.
   */
  private static final class Entries {
    private Entries() {}

    /** The value after appending {@code t} to {@code existing} (null: none yet). */
    @SuppressWarnings("unchecked")
    static Object append(Object existing, Interaction t) {
      if (existing == null) {
        return t;
      }
      if (existing instanceof Interaction one) {
        ArrayDeque<Interaction> deque = new ArrayDeque<>(4);
        deque.addLast(one);
        deque.addLast(t);
        return deque;
      }
      ((ArrayDeque<Interaction>) existing).addLast(t);
      return existing;
    }

    /**
     * The value after removing {@code old}: O(1) when it is the oldest, as it nearly always is;
     * null when none is left.
     */
    @SuppressWarnings("unchecked")
    static Object remove(Object existing, Interaction old) {
      if (existing == old) {
        return null;
      }
      if (existing instanceof ArrayDeque<?> d) {
        ArrayDeque<Interaction> deque = (ArrayDeque<Interaction>) d;
        if (deque.peekFirst() == old) {
          deque.pollFirst();
        } else {
          Iterator<Interaction> it = deque.iterator();
          while (it.hasNext()) {
            if (it.next() == old) {
              it.remove();
              break;
            }
          }
        }
        return deque.isEmpty() ? null : deque;
      }
      return existing;
    }

    static int size(Object existing) {
      if (existing == null) {
        return 0;
      }
      return existing instanceof Interaction ? 1 : ((ArrayDeque<?>) existing).size();
    }

    static Interaction newest(Object existing) {
      return existing instanceof Interaction one
          ? one
          : (Interaction) ((ArrayDeque<?>) existing).peekLast();
    }

    static Interaction oldest(Object existing) {
      return existing instanceof Interaction one
          ? one
          : (Interaction) ((ArrayDeque<?>) existing).peekFirst();
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
}
