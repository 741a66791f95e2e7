package dev.otelllm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store alone: interactions built by hand, no OpenTelemetry SDK. */
class InteractionStoreTest {

  private static final String TRACE_A = "0af7651916cd43dd8448eb211c80319c";
  private static final String TRACE_B = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static long nextSpan = 1;

  private static Interaction interaction(String session, String prompt) {
    return interaction(session, prompt, TRACE_A);
  }

  private static Interaction interaction(String session, String prompt, String traceId) {
    return Interaction.builder()
        .traceId(traceId)
        .spanId(String.format("%016x", nextSpan++))
        .messages(List.of(Message.user(prompt)))
        .sessionId(session)
        .build();
  }

  private static List<String> prompts(List<Interaction> interactions) {
    return interactions.stream().map(Interaction::prompt).toList();
  }

  private static long bytesOf(List<Interaction> interactions) {
    return interactions.stream().mapToLong(TraceSizes::estimate).sum();
  }

  @Test
  void ring_evictsTheOldest_fromEveryIndex() {
    InteractionStore store = new InteractionStore(2, Long.MAX_VALUE, 10);
    Interaction first = interaction("s", "a");
    store.add(first);
    store.add(interaction("", "b", TRACE_B));
    store.add(interaction("", "c", TRACE_B));

    assertThat(prompts(store.last(10))).containsExactly("b", "c");
    assertThat(store.byHexSpanId(first.spanId())).isEmpty();
    assertThat(store.query(TraceQuery.traceId(TRACE_A))).isEmpty();
    assertThat(prompts(store.query(TraceQuery.traceId(TRACE_B)))).containsExactly("b", "c");
    assertThat(store.query(TraceQuery.session("s"))).isEmpty();
    assertThat(store.indexedSessionCount()).isZero();
    assertThat(store.evictedCount()).isEqualTo(1);
    assertThat(store.estimatedBytes()).isEqualTo(bytesOf(store.last(10)));
  }

  @Test
  void retainedSession_keepsItsNewestAfterTheRingMovedOn_andCountsTheirBytes() {
    InteractionStore store = new InteractionStore(2, Long.MAX_VALUE, 10);
    InteractionStore.Hold hold = store.retain("s", 2);
    store.add(interaction("s", "s1"));
    store.add(interaction("s", "s2"));
    store.add(interaction("s", "s3"));
    for (int i = 0; i < 5; i++) {
      store.add(interaction("other", "noise" + i));
    }

    assertThat(prompts(store.last(10))).containsExactly("noise3", "noise4");
    // The session's history is the session query: one answer.
    List<Interaction> history = store.query(TraceQuery.session("s"));
    assertThat(prompts(history)).containsExactly("s2", "s3");
    assertThat(store.byHexSpanId(history.get(0).spanId())).contains(history.get(0));
    assertThat(store.heldCount()).isEqualTo(4);
    assertThat(store.estimatedBytes()).isEqualTo(bytesOf(store.last(10)) + bytesOf(history));

    hold.close();
    assertThat(store.query(TraceQuery.session("s"))).isEmpty();
    assertThat(store.heldCount()).isEqualTo(2);
    assertThat(store.estimatedBytes()).isEqualTo(bytesOf(store.last(10)));
    assertThat(store.evictedCount()).isEqualTo(6);
  }

  @Test
  void releasingASession_keepsWhatIsStillInTheRing() {
    InteractionStore store = new InteractionStore(3, Long.MAX_VALUE, 10);
    InteractionStore.Hold hold = store.retain("s", 10);
    store.add(interaction("s", "s1"));
    store.add(interaction("s", "s2"));
    store.add(interaction("", "x"));
    store.add(interaction("s", "s3"));
    hold.close();
    hold.close(); // once only
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s2", "s3");
    assertThat(store.retainedSessionCount()).isZero();
  }

  @Test
  void retainingASessionLate_keepsWhatTheRingStillHolds() {
    InteractionStore store = new InteractionStore(2, Long.MAX_VALUE, 10);
    store.add(interaction("s", "s1"));
    store.add(interaction("s", "s2"));
    try (InteractionStore.Hold ignored = store.retain("s", 5)) {
      store.add(interaction("", "x"));
      store.add(interaction("", "y"));
      assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s1", "s2");
    }
  }

  @Test
  void sessionHistory_dropsItsOldestPastItsOwnBound_evenWhileTheRingStillHoldsThem() {
    InteractionStore store = new InteractionStore(10, Long.MAX_VALUE, 10);
    store.retain("s", 1);
    store.add(interaction("s", "s1"));
    store.add(interaction("s", "s2"));
    // The ring still holds both: the session query sees both, the ring decides.
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s1", "s2");
    for (int i = 0; i < 10; i++) {
      store.add(interaction("", "noise" + i));
    }
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s2");
  }

  @Test
  void twoHoldsOnOneId_shareOneHistory_withTheLargerBound_whileItIsHeld() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 10);
    InteractionStore.Hold small = store.retain("s", 1);
    InteractionStore.Hold large = store.retain("s", 3);
    for (int i = 1; i <= 4; i++) {
      store.add(interaction("s", "s" + i));
    }
    store.add(interaction("", "x"));
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s2", "s3", "s4");
    large.close();
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s4");
    small.close();
    assertThat(store.query(TraceQuery.session("s"))).isEmpty();
  }

  @Test
  void sessionsOpenedAndNeverReleased_holdNoMoreThanMaxSessionsTimesTheirBound() {
    int maxSessions = 5;
    int maxKept = 3;
    InteractionStore store = new InteractionStore(10, Long.MAX_VALUE, maxSessions);
    for (int s = 0; s < 1_000; s++) {
      store.retain("session-" + s, maxKept); // never closed
      for (int i = 0; i < 4; i++) {
        store.add(interaction("session-" + s, "turn " + i));
      }
    }
    assertThat(store.retainedSessionCount()).isEqualTo(maxSessions);
    assertThat(store.heldCount()).isLessThanOrEqualTo(10 + maxSessions * maxKept);
    assertThat(store.indexedSessionCount()).isLessThanOrEqualTo(10 + maxSessions);
    assertThat(store.estimatedBytes())
        .isEqualTo(bytesOf(store.last(10)) + retainedOutsideTheRing(store, maxSessions));
    // The most recently active sessions are the ones kept; the ring holds all of the last two.
    assertThat(prompts(store.query(TraceQuery.session("session-999")))).hasSize(4);
    assertThat(prompts(store.query(TraceQuery.session("session-995"))))
        .containsExactly("turn 1", "turn 2", "turn 3");
    assertThat(store.query(TraceQuery.session("session-0"))).isEmpty();
  }

  private static long retainedOutsideTheRing(InteractionStore store, int newestSessions) {
    List<Interaction> ring = store.last(Integer.MAX_VALUE);
    long bytes = 0;
    for (int s = 1_000 - newestSessions; s < 1_000; s++) {
      for (Interaction t : store.query(TraceQuery.session("session-" + s))) {
        if (!ring.contains(t)) {
          bytes += TraceSizes.estimate(t);
        }
      }
    }
    return bytes;
  }

  @Test
  void byteBound_coversHistories_ringFirstThenTheLeastRecentlyActiveSession() {
    Interaction probe = interaction("a", "pp");
    long each = TraceSizes.estimate(probe);
    InteractionStore store = new InteractionStore(100, each * 4, 10);
    store.retain("a", 10);
    store.retain("b", 10);
    store.add(interaction("a", "a1"));
    store.add(interaction("a", "a2"));
    store.add(interaction("b", "b1"));
    store.add(interaction("b", "b2"));
    assertThat(store.estimatedBytes()).isEqualTo(each * 4);
    store.add(interaction("", "xx"));
    // Over the bound: the ring gives up its oldest (kept by the histories), then session a, the
    // least recently active, its oldest.
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(each * 4);
    assertThat(prompts(store.last(10))).containsExactly("xx");
    assertThat(prompts(store.query(TraceQuery.session("a")))).containsExactly("a2");
    assertThat(prompts(store.query(TraceQuery.session("b")))).containsExactly("b1", "b2");
  }

  @Test
  void oneLargerThanTheByteBound_isKeptWithoutItsContent() {
    InteractionStore store = new InteractionStore(10, 1_000, 10);
    store.add(interaction("", "y".repeat(5_000)));
    Interaction kept = store.last(1).get(0);
    assertThat(kept.prompt()).isEmpty();
    assertThat(kept.contentTruncated()).isTrue();
    assertThat(store.oversizedCount()).isEqualTo(1);
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(1_000);
  }

  @Test
  void noRing_keepsOnlyRetainedSessions() {
    InteractionStore store = new InteractionStore(0, Long.MAX_VALUE, 10);
    assertThat(store.keepsNothing()).isTrue();
    store.add(interaction("s", "before"));
    try (InteractionStore.Hold ignored = store.retain("s", 2)) {
      assertThat(store.keepsNothing()).isFalse();
      store.add(interaction("s", "s1"));
      store.add(interaction("", "x"));
      store.add(interaction("s", "s2"));
      store.add(interaction("s", "s3"));
      assertThat(store.last(10)).isEmpty();
      assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s2", "s3");
    }
    assertThat(store.heldCount()).isZero();
    assertThat(store.estimatedBytes()).isZero();
  }

  @Test
  void maxSessionsZero_retainsNothing() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 0);
    store.retain("s", 5);
    store.add(interaction("s", "s1"));
    store.add(interaction("", "x"));
    assertThat(store.query(TraceQuery.session("s"))).isEmpty();
    assertThat(store.retainedSessionCount()).isZero();
  }

  @Test
  void traceIndex_losesAnInteractionFromTheMiddleOfItsTrace() {
    InteractionStore store = new InteractionStore(2, Long.MAX_VALUE, 10);
    store.retain("s", 5);
    store.add(interaction("", "w1"));
    store.add(interaction("s", "w2"));
    store.add(interaction("", "w3"));
    store.add(interaction("", "w4", TRACE_B));
    // w1 left; w2 stays in its session's history; w3 is in the ring.
    assertThat(prompts(store.query(TraceQuery.traceId(TRACE_A)))).containsExactly("w2", "w3");
    store.add(interaction("", "w5", TRACE_B));
    assertThat(prompts(store.query(TraceQuery.traceId(TRACE_A)))).containsExactly("w2");
  }

  @Test
  void clear_dropsEverything_butSessionsStayRetained() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 10);
    store.retain("s", 5);
    store.add(interaction("s", "s1"));
    store.add(interaction("", "x"));
    store.clear();
    assertThat(store.heldCount()).isZero();
    assertThat(store.estimatedBytes()).isZero();
    assertThat(store.query(TraceQuery.session("s"))).isEmpty();
    store.add(interaction("s", "s2"));
    store.add(interaction("", "y"));
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s2");
  }

  @Test
  void retain_rejectsBadArguments() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 10);
    assertThatThrownBy(() -> store.retain("", 1)).hasMessage("sessionId must not be empty");
    assertThatThrownBy(() -> store.retain("s", -1)).hasMessage("maxKept must be >= 0, was -1");
  }

  private static Interaction at(long startNanos, String session, String prompt) {
    return Interaction.builder()
        .traceId(TRACE_A)
        .spanId(String.format("%016x", nextSpan++))
        .startEpochNanos(startNanos)
        .messages(List.of(Message.user(prompt)))
        .sessionId(session)
        .build();
  }

  @Test
  void overTheByteBound_aSessionLeftOpenAndIdle_givesWayToNewTraffic() {
    long one = TraceSizes.estimate(at(0, "idle", "x00"));
    InteractionStore store = new InteractionStore(100, 20 * one, 100);
    store.retain("idle", 100); // never closed
    long t = 0;
    for (int i = 0; i < 18; i++) {
      store.add(at(++t, "idle", String.format("i%02d", i)));
    }
    for (int i = 0; i < 200; i++) {
      store.add(at(++t, "", String.format("n%02d", i % 100)));
    }

    // The newest traffic fills the bound; the idle session's old turns went first.
    assertThat(store.last(100)).hasSizeGreaterThanOrEqualTo(18);
    assertThat(store.query(TraceQuery.session("idle")).size()).isLessThan(18);
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(20 * one);
  }

  @Test
  void overTheByteBound_anActiveSessionKeepsItsHistory_andTheRingGivesWay() {
    long one = TraceSizes.estimate(at(0, "live", "x00"));
    InteractionStore store = new InteractionStore(100, 20 * one, 100);
    store.retain("live", 100);
    long t = 0;
    for (int i = 0; i < 60; i++) {
      // Old unrelated traffic, then the session keeps talking, interleaved with newer traffic.
      store.add(at(++t, "", String.format("n%02d", i)));
    }
    for (int i = 0; i < 10; i++) {
      store.add(at(++t, "live", String.format("l%02d", i)));
      store.add(at(++t, "", String.format("m%02d", i)));
    }

    assertThat(store.query(TraceQuery.session("live"))).hasSize(10);
    assertThat(store.estimatedBytes()).isLessThanOrEqualTo(20 * one);
  }

  @Test
  void aSharedHistory_shrinksToTheLargestBoundStillHeld_whenTheLargerHoldCloses() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 10);
    InteractionStore.Hold large = store.retain("s", 1000);
    InteractionStore.Hold small = store.retain("s", 2);
    for (int i = 0; i < 10; i++) {
      store.add(interaction("s", "s" + i));
    }
    assertThat(store.query(TraceQuery.session("s"))).hasSize(10);

    large.close();
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s8", "s9");
    for (int i = 10; i < 60; i++) {
      store.add(interaction("s", "s" + i));
    }
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s58", "s59");
    small.close();
  }

  @Test
  void twoHoldsWithTheSameBound_keepItUntilBothAreClosed() {
    InteractionStore store = new InteractionStore(1, Long.MAX_VALUE, 10);
    InteractionStore.Hold first = store.retain("s", 5);
    InteractionStore.Hold second = store.retain("s", 5);
    InteractionStore.Hold small = store.retain("s", 1);
    for (int i = 0; i < 8; i++) {
      store.add(interaction("s", "s" + i));
    }
    first.close();
    assertThat(store.query(TraceQuery.session("s"))).hasSize(5);
    second.close();
    assertThat(prompts(store.query(TraceQuery.session("s")))).containsExactly("s7");
    small.close();
  }
}
