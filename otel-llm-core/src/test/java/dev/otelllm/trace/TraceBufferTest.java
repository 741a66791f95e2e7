package dev.otelllm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.LlmTracing;
import dev.otelllm.Session;
import dev.otelllm.internal.ScriptedProvider;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TraceBufferTest {

  private static LlmClient client(TraceBuffer buffer) {
    return LlmClient.builder(ScriptedProvider.echo("m"))
        .tracing(LlmTracing.builder().traceBuffer(buffer).build())
        .build();
  }

  @Test
  void evictsOldestWhenFull() {
    TraceBuffer buffer = TraceBuffer.create(3);
    LlmClient client = client(buffer);
    for (int i = 1; i <= 5; i++) {
      client.generate("p" + i);
    }
    assertThat(buffer.getTraces())
        .extracting(Interaction::prompt)
        .containsExactly("p3", "p4", "p5");
    assertThat(buffer.size()).isEqualTo(3);
    assertThat(buffer.evictedCount()).isEqualTo(2);
  }

  @Test
  void evictedInteractions_leaveEveryIndex() {
    TraceBuffer buffer = TraceBuffer.create(2);
    LlmClient client = client(buffer);
    LlmResponse first = client.generate(LlmRequest.builder().prompt("a").metadata("k", 1).build());
    try (Session s = client.newSession()) {
      s.close(); // not retained: only the global ring applies
      s.generate("b");
      client.generate("c");
      client.generate("d");
      assertThat(buffer.getInteraction(first.spanId().orElseThrow())).isEmpty();
      assertThat(buffer.getTraces(TraceQuery.traceId(first.traceId().orElseThrow()))).isEmpty();
      assertThat(buffer.getTraces(TraceQuery.session(s.id()))).isEmpty();
      assertThat(buffer.getTraces(TraceQuery.metadata("k", 1))).isEmpty();
    }
  }

  @Test
  void evictsByEstimatedBytes_andNeverKeepsOneLargerThanTheBound() {
    TraceBuffer buffer = TraceBuffer.builder().maxInteractions(1000).maxBytes(10_000).build();
    LlmClient client = client(buffer);
    String kb = "x".repeat(1000);
    for (int i = 0; i < 20; i++) {
      client.generate(kb + i);
    }
    assertThat(buffer.estimatedBytes()).isLessThanOrEqualTo(10_000);
    // ~1,000 characters of prompt twice (message and prompt) plus the answer and overhead each.
    int each = (int) (buffer.estimatedBytes() / buffer.size());
    assertThat(buffer.size()).isEqualTo(10_000 / each);
    assertThat(buffer.getTraces().get(buffer.size() - 1).prompt()).isEqualTo(kb + 19);
    // Alone larger than the bound: kept, without its content and marked, never whole.
    client.generate(
        LlmRequest.builder().prompt("y".repeat(50_000)).metadata("step_type", "big").build());
    assertThat(buffer.estimatedBytes()).isLessThanOrEqualTo(10_000);
    Interaction big = buffer.getTraces().get(buffer.size() - 1);
    assertThat(big.prompt()).isEmpty();
    assertThat(big.response().content()).isEmpty();
    assertThat(big.contentTruncated()).isTrue();
    assertThat(big.metadata()).containsEntry("step_type", "big");
    assertThat(big.response().usage()).isPresent();
    assertThat(buffer.oversizedCount()).isEqualTo(1);
  }

  @Test
  void maxInteractionsZero_recordsSpansButKeepsNone() {
    TraceBuffer buffer = TraceBuffer.create(0);
    LlmClient client = client(buffer);
    LlmResponse r = client.generate("x");
    assertThat(r.traceId()).isPresent();
    assertThat(buffer.getTraces()).isEmpty();
  }

  @Test
  void lookups_byTraceId_spanId_lastN_session_metadata_errors_predicate() {
    TraceBuffer buffer = TraceBuffer.create(100);
    LlmClient client =
        LlmClient.builder(
                ScriptedProvider.builder("m")
                    .answer("ok")
                    .answer("ok")
                    .fail(new IllegalStateException("bad"))
                    .answer("ok")
                    .answer("ok")
                    .build())
            .tracing(LlmTracing.builder().traceBuffer(buffer).build())
            .build();
    LlmResponse a =
        client.generate(
            LlmRequest.builder()
                .prompt("a")
                .metadata("step_type", "gen")
                .metadata("attempt_number", 1)
                .build());
    LlmResponse b =
        client.generate(
            LlmRequest.builder()
                .prompt("b")
                .metadata("step_type", "gen")
                .metadata("attempt_number", 2)
                .build());
    assertThatThrownBy(() -> client.generate("c")).hasMessage("bad");
    String sessionId;
    try (Session s = client.newSession()) {
      sessionId = s.id();
      s.generate("d");
      s.generate("e", "prose", 1);
    }

    assertThat(buffer.getTraces())
        .extracting(Interaction::prompt)
        .containsExactly("a", "b", "c", "d", "e");
    assertThat(buffer.getInteraction(b.spanId().orElseThrow()).orElseThrow().prompt())
        .isEqualTo("b");
    assertThat(buffer.getInteraction("0000000000000000")).isEmpty();
    assertThat(buffer.getTraces(TraceQuery.spanId(a.spanId().orElseThrow())))
        .extracting(Interaction::prompt)
        .containsExactly("a");
    assertThat(buffer.getTraces(TraceQuery.traceId(a.traceId().orElseThrow())))
        .extracting(Interaction::prompt)
        .containsExactly("a");
    assertThat(buffer.last(2)).extracting(Interaction::prompt).containsExactly("d", "e");
    assertThat(buffer.last(0)).isEmpty();
    assertThat(buffer.last(99)).hasSize(5);
    assertThat(buffer.getTraces(TraceQuery.last(3)))
        .extracting(Interaction::prompt)
        .containsExactly("c", "d", "e");
    assertThat(buffer.getTraces(TraceQuery.session(sessionId)))
        .extracting(Interaction::prompt)
        .containsExactly("d", "e");
    assertThat(buffer.getTraces(TraceQuery.metadata("step_type", "gen")))
        .extracting(Interaction::prompt)
        .containsExactly("a", "b");
    assertThat(buffer.getTraces(TraceQuery.metadata("attempt_number", 2)))
        .extracting(Interaction::prompt)
        .containsExactly("b");
    assertThat(buffer.getTraces(TraceQuery.metadata("step_type", "gen").andLast(1)))
        .extracting(Interaction::prompt)
        .containsExactly("b");
    assertThat(buffer.getTraces(TraceQuery.errorsOnly()))
        .extracting(Interaction::prompt)
        .containsExactly("c");
    assertThat(buffer.getTraces(TraceQuery.where(t -> t.prompt().compareTo("c") > 0)))
        .extracting(Interaction::prompt)
        .containsExactly("d", "e");
    assertThat(buffer.getTraces(TraceQuery.session(sessionId).andMetadata("step_type", "prose")))
        .extracting(Interaction::prompt)
        .containsExactly("e");
    assertThat(client.getTraces(2)).extracting(Interaction::prompt).containsExactly("d", "e");
    assertThatThrownBy(() -> buffer.last(-1)).hasMessage("n must be >= 0, was -1");
    assertThatThrownBy(() -> TraceQuery.traceId("")).hasMessage("traceId must not be empty");
  }

  @Test
  void lookups_acceptUppercaseIds_andAnswerEmptyForIdsThatAreNotHex() {
    TraceBuffer buffer = TraceBuffer.create(10);
    LlmClient client = client(buffer);
    LlmResponse r = client.generate("a");
    String traceId = r.traceId().orElseThrow();
    String spanId = r.spanId().orElseThrow();
    assertThat(buffer.getInteraction(spanId.toUpperCase(java.util.Locale.ROOT))).isPresent();
    assertThat(buffer.getTraces(TraceQuery.traceId(traceId.toUpperCase(java.util.Locale.ROOT))))
        .hasSize(1);
    assertThat(buffer.getInteraction("not-a-span-id")).isEmpty();
    assertThat(buffer.getInteraction(spanId + "0")).isEmpty();
    assertThat(buffer.getTraces(TraceQuery.traceId("xyz"))).isEmpty();
    assertThat(buffer.getTraces(TraceQuery.spanId("xyz"))).isEmpty();
    Interaction t = buffer.getInteraction(spanId).orElseThrow();
    assertThat(t.traceId()).isEqualTo(traceId);
    assertThat(t.spanId()).isEqualTo(spanId);
    assertThat(t.parentSpanId()).isEmpty();
  }

  @Test
  void aTrace_rejectsIdsThatAreNotHexOfTheRightLength_namingTheField() {
    Interaction t =
        dev.otelllm.export.SampleTraces.trace(
            "b7ad6b7169203331", 1_000, 20, 5L, 7L, false, "s", "code_generation", "stop");
    assertThatThrownBy(() -> withIds(t, "abc", t.spanId(), ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("traceId must be 32 hex digits");
    assertThatThrownBy(() -> withIds(t, t.traceId(), "zzzzzzzzzzzzzzzz", ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spanId must be 16 hex digits");
    assertThatThrownBy(() -> withIds(t, t.traceId(), t.spanId(), "12"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parentSpanId");
    Interaction upper =
        withIds(t, t.traceId().toUpperCase(java.util.Locale.ROOT), t.spanId(), "00F067AA0BA902B7");
    assertThat(upper.traceId()).isEqualTo(t.traceId());
    assertThat(upper.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(upper.toMap())
        .extracting(m -> ((java.util.Map<?, ?>) m.get("metadata")).get("parent_span_id"))
        .isEqualTo("00f067aa0ba902b7");
    assertThat(withIds(t, t.traceId(), t.spanId(), t.parentSpanId()))
        .isEqualTo(t)
        .hasSameHashCodeAs(t);
    assertThat(upper).isNotEqualTo(t);
  }

  private static Interaction withIds(Interaction t, String traceId, String spanId, String parent) {
    return Interaction.builder()
        .traceId(traceId)
        .spanId(spanId)
        .parentSpanId(parent)
        .startEpochNanos(t.startEpochNanos())
        .durationNanos(t.durationNanos())
        .operation(t.operation())
        .provider(t.provider())
        .model(t.model())
        .server(t.server())
        .systemPrompt(t.systemPrompt())
        .messages(t.messages())
        .parameters(t.parameters())
        .tools(t.tools())
        .response(t.response())
        .metadata(t.metadata())
        .sessionId(t.sessionId())
        .error(t.error())
        .contentCapture(t.contentCapture())
        .contentTruncated(t.contentTruncated())
        .build();
  }

  @Test
  void returnedListsAreSnapshots() {
    TraceBuffer buffer = TraceBuffer.create(10);
    LlmClient client = client(buffer);
    client.generate("a");
    List<Interaction> before = buffer.getTraces();
    client.generate("b");
    assertThat(before).hasSize(1);
    assertThatThrownBy(() -> before.add(before.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void concurrentGenerate_8threadsX1000_noLostOrDuplicatedInteraction() throws Exception {
    TraceBuffer buffer = TraceBuffer.create(10_000);
    LlmClient client = client(buffer);
    int threads = 8;
    int calls = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<String>>> results = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      results.add(
          pool.submit(
              () -> {
                start.await();
                List<String> spanIds = new ArrayList<>(calls);
                for (int i = 0; i < calls; i++) {
                  LlmResponse r =
                      client.generate(
                          LlmRequest.builder()
                              .prompt("t" + thread + "-" + i)
                              .metadata("thread", thread)
                              .build());
                  spanIds.add(r.spanId().orElseThrow());
                  if (i % 100 == 0) {
                    buffer.last(50);
                    buffer.getTraces(TraceQuery.metadata("thread", thread).andLast(5));
                  }
                }
                return spanIds;
              }));
    }
    start.countDown();
    Set<String> expected = new HashSet<>();
    for (Future<List<String>> f : results) {
      expected.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    assertThat(expected).hasSize(threads * calls);
    List<Interaction> kept = buffer.getTraces();
    assertThat(kept).hasSize(threads * calls);
    Set<String> keptIds = new HashSet<>();
    for (Interaction t : kept) {
      keptIds.add(t.spanId());
    }
    assertThat(keptIds).isEqualTo(expected);
    for (int t = 0; t < threads; t++) {
      List<Interaction> mine = buffer.getTraces(TraceQuery.metadata("thread", t));
      assertThat(mine).hasSize(calls);
      // Each thread's interactions are kept in the order that thread made them.
      for (int i = 0; i < calls; i++) {
        assertThat(mine.get(i).prompt()).isEqualTo("t" + t + "-" + i);
      }
    }
  }

  @Test
  void onEnd_neverThrows_evenOnAspanItCannotRead() {
    TraceBuffer buffer = TraceBuffer.create(10);
    io.opentelemetry.sdk.trace.ReadableSpan broken =
        (io.opentelemetry.sdk.trace.ReadableSpan)
            java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {io.opentelemetry.sdk.trace.ReadableSpan.class},
                (proxy, method, args) -> {
                  throw new IllegalStateException("broken span");
                });
    buffer.onEnd(broken);
    assertThat(buffer.size()).isZero();
  }

  @Test
  void onEnd_ignoresNonGenAiSpans() {
    TraceBuffer buffer = TraceBuffer.create(10);
    LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build();
    tracing.openTelemetry().getTracer("other").spanBuilder("GET /").startSpan().end();
    tracing
        .openTelemetry()
        .getTracer("other")
        .spanBuilder("chat x")
        .setAttribute("gen_ai.operation.name", "execute_tool")
        .startSpan()
        .end();
    assertThat(buffer.getTraces()).isEmpty();
    tracing.close();
  }

  @Test
  void retainSession_validatesItsArguments() {
    TraceBuffer buffer = TraceBuffer.create(1);
    assertThatThrownBy(() -> buffer.retainSession("", 1)).hasMessage("sessionId must not be empty");
    assertThatThrownBy(() -> buffer.retainSession("s", -1))
        .hasMessage("maxKept must be >= 0, was -1");
    assertThatThrownBy(() -> TraceBuffer.builder().maxSessions(-1))
        .hasMessage("maxSessions must be >= 0, was -1");
  }

  @Test
  void retainSession_keepsTheHistoryOfASessionTheLibraryDidNotOpen() {
    TraceBuffer buffer = TraceBuffer.create(2);
    LlmClient client = client(buffer);
    io.opentelemetry.api.baggage.Baggage memoryId =
        io.opentelemetry.api.baggage.Baggage.builder().put("session.id", "memory-7").build();
    try (TraceBuffer.SessionHold hold = buffer.retainSession("memory-7", 10)) {
      try (io.opentelemetry.context.Scope s =
          io.opentelemetry.context.Context.current().with(memoryId).makeCurrent()) {
        client.generate("remember 1");
        client.generate("remember 2");
      }
      client.generate("x");
      client.generate("y");
      assertThat(buffer.getTraces(TraceQuery.session("memory-7")))
          .extracting(Interaction::prompt)
          .containsExactly("remember 1", "remember 2");
      assertThat(buffer.estimatedBytes())
          .isEqualTo(
              java.util.stream.Stream.concat(
                      buffer.getTraces().stream(),
                      buffer.getTraces(TraceQuery.session("memory-7")).stream())
                  .mapToLong(TraceSizes::estimate)
                  .sum());
    }
    assertThat(buffer.getTraces(TraceQuery.session("memory-7"))).isEmpty();
  }

  @Test
  void spansThatNeverEnd_leaveNothingInTheBuffer() {
    TraceBuffer buffer = TraceBuffer.create(10);
    LlmTracing tracing = LlmTracing.builder().traceBuffer(buffer).build();
    LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(tracing).build();
    io.opentelemetry.api.trace.Tracer tracer = tracing.openTelemetry().getTracer("other");
    try (Session session = client.newSession();
        io.opentelemetry.context.Scope ignored = session.makeCurrent()) {
      for (int i = 0; i < 10_000; i++) {
        tracer
            .spanBuilder("chat m")
            .setSpanKind(io.opentelemetry.api.trace.SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat")
            .startSpan(); // never ended
      }
      // The buffer asks for no start callback: nothing is noted per running span.
      assertThat(buffer.isStartRequired()).isFalse();
      assertThat(buffer.size()).isZero();
      assertThat(buffer.estimatedBytes()).isZero();
      assertThat(buffer.pendingContentCount()).isZero();
      session.generate("one that ends");
      assertThat(session.getInteractionHistory()).hasSize(1);
    }
    tracing.close();
  }

  @Test
  void byteEstimate_countsToolDefinitionsMetadataAndOtherParts() {
    TraceBuffer buffer = TraceBuffer.builder().maxInteractions(1000).maxBytes(200_000).build();
    LlmClient client =
        LlmClient.builder(
                ScriptedProvider.builder("m")
                    .answer(
                        r ->
                            LlmResponse.builder()
                                .content("")
                                .part(new dev.otelllm.Part.Reasoning("r".repeat(50_000)))
                                .build())
                    .repeatLast()
                    .build())
            .tracing(LlmTracing.builder().traceBuffer(buffer).build())
            .build();
    for (int i = 0; i < 20; i++) {
      client.generate(
          LlmRequest.builder()
              .prompt("p")
              .metadata("blob", java.util.Map.of("x", "y".repeat(50_000)))
              .tool(new dev.otelllm.ToolDefinition("t", "d".repeat(50_000), java.util.Map.of()))
              .build());
    }
    // Each interaction holds ~150,000 characters: at most one fits the 200,000 byte bound.
    assertThat(buffer.size()).isEqualTo(1);
    assertThat(buffer.estimatedBytes()).isGreaterThan(150_000);
  }

  @Test
  void keptTraces_areDeeplyImmutable() {
    TraceBuffer buffer = TraceBuffer.create(10);
    LlmClient client = client(buffer);
    client.generate(
        LlmRequest.builder().prompt("p").metadata("cfg", java.util.Map.of("a", 1)).build());
    Interaction t = buffer.getTraces().get(0);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> cfg = (java.util.Map<String, Object>) t.metadata().get("cfg");
    assertThatThrownBy(() -> cfg.put("injected", true))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    java.util.Map<String, Object> meta = (java.util.Map<String, Object>) t.toMap().get("metadata");
    meta.put("extra", 1);
    assertThat(buffer.getTraces().get(0).toMap().get("metadata")).isNotEqualTo(meta);
  }

  @Test
  void byDefault_theBufferIsBoundedInBytesToo() throws Exception {
    assertThat(TraceBuffer.create().maxBytes()).isEqualTo(64L << 20);
    assertThat(TraceBuffer.create(5).maxBytes()).isEqualTo(TraceBuffer.DEFAULT_MAX_BYTES);
    try (dev.otelllm.LlmTracing tracing = dev.otelllm.LlmTracing.create()) {
      assertThat(tracing.traceBuffer().maxBytes()).isEqualTo(TraceBuffer.DEFAULT_MAX_BYTES);
    }
    assertThat(TraceBuffer.builder().maxBytes(Long.MAX_VALUE).build().maxBytes())
        .isEqualTo(Long.MAX_VALUE);
  }
}
