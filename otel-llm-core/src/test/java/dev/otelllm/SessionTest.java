package dev.otelllm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.otelllm.internal.ScriptedProvider;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceBuffer;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionTest {

  @Test
  void sendsTheHistoryOnEachTurn_andKeepsItsInteractionsInOrder() {
    ScriptedProvider provider =
        ScriptedProvider.builder("m")
            .answer(r -> LlmResponse.builder().content("turn " + r.messages().size()).build())
            .repeatLast()
            .build();
    try (LlmClient client = LlmClient.builder(provider).tracing(true).build();
        Session session = client.session().systemPrompt("be brief").build()) {
      session.generate("one", "code_generation", 1);
      session.generate("two", "code_generation", 2);
      session.generate("three", "methodology_generation", 0);

      assertThat(session.history())
          .extracting(Message::text)
          .containsExactly("one", "turn 1", "two", "turn 3", "three", "turn 5");
      List<Interaction> history = session.getInteractionHistory();
      assertThat(history).extracting(Interaction::prompt).containsExactly("one", "two", "three");
      assertThat(history)
          .allSatisfy(
              t -> {
                assertThat(t.sessionId()).isEqualTo(session.id());
                assertThat(t.systemPrompt()).isEqualTo("be brief");
              });
      assertThat(history.get(1).messages())
          .extracting(Message::text)
          .containsExactly("one", "turn 1", "two");
      assertThat(history.get(1).metadata())
          .containsEntry("step_type", "code_generation")
          .containsEntry("attempt_number", 2L);
      // Attempt 0 means "not given": the reference's default, 1.
      assertThat(history.get(2).metadata())
          .containsEntry("step_type", "methodology_generation")
          .containsEntry("attempt_number", 1L);
      assertThat(client.getTraces(TraceQuery.session(session.id()))).isEqualTo(history);
    }
  }

  @Test
  void failedTurn_isTracedButLeavesTheConversationUnchanged() {
    ScriptedProvider provider =
        ScriptedProvider.builder("m")
            .answer("first")
            .fail(new LlmException("x", "timeout", "timed out"))
            .answer("retry ok")
            .build();
    try (LlmClient client = LlmClient.builder(provider).tracing(true).build();
        Session session = client.newSession()) {
      session.generate("a");
      assertThatThrownBy(() -> session.generate("b")).hasMessage("timed out");
      session.generate("b");
      assertThat(session.history())
          .extracting(Message::text)
          .containsExactly("a", "first", "b", "retry ok");
      assertThat(session.getInteractionHistory())
          .extracting(t -> t.error().isPresent())
          .containsExactly(false, true, false);
    }
  }

  @Test
  void historySurvivesOtherSessionsFillingTheGlobalBuffer() {
    try (LlmClient client =
            LlmClient.builder(ScriptedProvider.echo("m"))
                .tracing(LlmTracing.builder().maxInteractions(10))
                .build();
        Session mine = client.newSession()) {
      mine.generate("keep me 1");
      mine.generate("keep me 2");
      for (int i = 0; i < 50; i++) {
        try (Session other = client.newSession()) {
          other.generate("noise " + i);
        }
      }
      assertThat(client.getTraces()).hasSize(10).noneMatch(t -> t.sessionId().equals(mine.id()));
      assertThat(mine.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("keep me 1", "keep me 2");
    }
  }

  @Test
  void sessionBound_isTheOneTheUserAskedFor() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build();
        Session session = client.session().maxHistory(2).build()) {
      session.generate("1");
      session.generate("2");
      session.generate("3");
      assertThat(session.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("2", "3");
    }
  }

  @Test
  void sessionsAreIsolated() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build();
        Session a = client.newSession();
        Session b = client.session().id("chat-42").build()) {
      a.generate("for a");
      b.generate("for b");
      assertThat(a.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("for a");
      assertThat(b.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("for b");
      assertThat(a.id()).isNotEqualTo(b.id()).matches("[0-9a-f-]{36}");
      assertThat(b.id()).isEqualTo("chat-42");
      assertThat(a.history()).extracting(Message::text).containsExactly("for a", "echo: for a");
    }
  }

  @Test
  void sessionId_travelsAsBaggage_ontoSpansOfOtherInstrumentationOnOtherThreads() throws Exception {
    try (TestTracing t = new TestTracing()) {
      Tracer otherInstrumentation = t.tracing.openTelemetry().getTracer("some.http.client");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      LlmProvider hopping =
          new LlmProvider() {
            @Override
            public ProviderInfo info() {
              return ProviderInfo.inProcess("hopper", "m");
            }

            @Override
            public LlmResponse generate(LlmRequest request) {
              try {
                pool.submit(
                        Context.current()
                            .wrap(
                                () ->
                                    otherInstrumentation
                                        .spanBuilder("POST /v1/chat")
                                        .startSpan()
                                        .end()))
                    .get(5, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return LlmResponse.builder().content("ok").build();
            }
          };
      LlmClient client = t.client(hopping);
      try (Session given = client.session().id("conv-7").build();
          Session generated = client.newSession()) {
        given.generate("hi");
        generated.generate("hi");
        List<SpanData> spans = t.spans();
        SpanData httpSpan =
            spans.stream()
                .filter(s -> s.getName().equals("POST /v1/chat"))
                .findFirst()
                .orElseThrow();
        assertThat(httpSpan.getAttributes().get(AttributeKey.stringKey("session.id")))
            .isEqualTo("conv-7");
        assertThat(httpSpan.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
            .isEqualTo("conv-7");
        SpanData generatedChat =
            spans.stream()
                .filter(
                    s ->
                        generated
                            .id()
                            .equals(s.getAttributes().get(AttributeKey.stringKey("session.id"))))
                .filter(s -> s.getName().startsWith("chat"))
                .findFirst()
                .orElseThrow();
        // An id the application did not choose is never passed off as its conversation id.
        assertThat(
                generatedChat.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
            .isNull();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void defaultParamsAndMetadata_applyToEveryTurn() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build();
        Session session =
            client
                .session()
                .defaultParams(GenerationParams.builder().temperature(0.7).build())
                .metadata("user_id", "analyst_123")
                .build()) {
      session.generate("x");
      session.generate(
          "y", "s", 1, GenerationParams.builder().temperature(0).build(), Map.of("extra", 1));
      List<Interaction> h = session.getInteractionHistory();
      assertThat(h.get(0).parameters()).containsEntry("temperature", 0.7);
      assertThat(h.get(0).metadata()).containsEntry("user_id", "analyst_123");
      assertThat(h.get(1).parameters()).containsEntry("temperature", 0.0);
      assertThat(h.get(1).metadata())
          .containsEntry("user_id", "analyst_123")
          .containsEntry("extra", 1L);
    }
  }

  @Test
  void tracingOff_sessionsStillConverse() {
    try (LlmClient client = LlmClient.create(ScriptedProvider.echo("m"));
        Session session = client.newSession()) {
      assertThat(session.generate("x").content()).isEqualTo("echo: x");
      assertThat(session.getInteractionHistory()).isEmpty();
      assertThat(session.history()).hasSize(2);
    }
  }

  @Test
  void badSessionIds_areRejected() {
    LlmClient client = LlmClient.create(ScriptedProvider.echo("m"));
    assertThatThrownBy(() -> client.session().id("a b"))
        .hasMessage(
            "session id must be printable ASCII without spaces, commas, semicolons, quotes or backslashes: a b");
    assertThatThrownBy(() -> client.session().id(""))
        .hasMessage("session id must be 1..256 characters, was 0");
    assertThatThrownBy(() -> client.session().maxHistory(-1))
        .hasMessage("maxHistory must be >= 0, was -1");
  }

  @Test
  void theSessionHistory_isWhatTheBufferHoldsForItsId_whoeverSetTheId() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build();
        Session live = client.session().id("support-chat-1").build()) {
      live.generate("mine");
      io.opentelemetry.api.baggage.Baggage upstream =
          io.opentelemetry.api.baggage.Baggage.builder()
              .put("session.id", "support-chat-1")
              .build();
      try (io.opentelemetry.context.Scope s = Context.current().with(upstream).makeCurrent()) {
        client.generate("from the same conversation, another request");
      }
      // One session model: the span's session id decides, for the query and the history alike.
      assertThat(live.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("mine", "from the same conversation, another request");
      assertThat(client.getTraces(TraceQuery.session("support-chat-1")))
          .isEqualTo(live.getInteractionHistory());
    }
  }

  @Test
  void twoSessionsWithOneId_shareOneHistory_retainedUntilBothAreClosed() {
    try (LlmClient client =
        LlmClient.builder(ScriptedProvider.echo("m"))
            .tracing(LlmTracing.builder().maxInteractions(1))
            .build()) {
      Session a = client.session().id("same").build();
      Session b = client.session().id("same").maxHistory(1).build();
      a.generate("a1");
      b.generate("b1");
      b.generate("b2");
      a.generate("a2");
      b.close();
      a.generate("a3");
      client.generate("noise");
      assertThat(a.getInteractionHistory())
          .extracting(Interaction::prompt)
          .containsExactly("a1", "b1", "b2", "a2", "a3");
      // Each session reads its own bound of the one history.
      assertThat(b.getInteractionHistory()).extracting(Interaction::prompt).containsExactly("a3");
      a.close();
      assertThat(a.getInteractionHistory()).isEmpty();
    }
  }

  @Test
  void sessionsNeverClosed_holdNoMoreThanTheBuffersBounds() {
    TraceBuffer few = forgetSessions(200);
    TraceBuffer many = forgetSessions(2_000);
    // At most 10 in the ring and 5 for each of the 20 most recently active sessions: what is held
    // does not grow with the number of sessions left open.
    int bound = 10 + 20 * 5;
    assertThat(2_000 * 3 - many.evictedCount()).isLessThanOrEqualTo(bound);
    assertThat(200 * 3 - few.evictedCount()).isEqualTo(2_000 * 3 - many.evictedCount());
    // Equal but for a few digits of ids and timings.
    assertThat(many.estimatedBytes())
        .isCloseTo(few.estimatedBytes(), org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(many.size()).isEqualTo(10);
  }

  private static TraceBuffer forgetSessions(int sessions) {
    TraceBuffer buffer = TraceBuffer.builder().maxInteractions(10).maxSessions(20).build();
    LlmClient client =
        LlmClient.builder(ScriptedProvider.echo("m"))
            .tracing(LlmTracing.builder().traceBuffer(buffer).build())
            .build();
    for (int i = 0; i < sessions; i++) {
      Session forgotten = client.session().maxHistory(5).build(); // never closed
      for (int turn = 0; turn < 3; turn++) {
        forgotten.generate("turn " + turn);
      }
    }
    return buffer;
  }

  @Test
  void emptyParams_keepTheSessionDefaults() {
    try (LlmClient client = LlmClient.builder(ScriptedProvider.echo("m")).tracing(true).build();
        Session s =
            client
                .session()
                .defaultParams(GenerationParams.builder().temperature(0.3).build())
                .build()) {
      s.generate("x", null, 0, GenerationParams.builder().build(), Map.of());
      s.generate(LlmRequest.of("y"));
      assertThat(s.getInteractionHistory())
          .allSatisfy(t -> assertThat(t.parameters()).containsEntry("temperature", 0.3));
    }
  }

  @Test
  void streamedTurns_belongToTheSession_withItsHistoryAndDefaults() {
    ScriptedProvider provider =
        ScriptedProvider.builder("m").answer("first").answer("second").build();
    try (LlmClient client = LlmClient.builder(provider).tracing(true).build();
        Session session = client.session().systemPrompt("be brief").build()) {
      List<String> chunks = new java.util.ArrayList<>();
      List<String> sessionIds = new java.util.ArrayList<>();
      session.stream(
          "one",
          chunk -> {
            chunks.add(chunk);
            sessionIds.add(
                io.opentelemetry.api.baggage.Baggage.current().getEntryValue("session.id"));
          });
      session.stream(
          "two", "code_generation", 2, GenerationParams.none(), Map.of("k", "v"), chunks::add);
      assertThat(chunks).containsExactly("first", "second");
      assertThat(sessionIds).containsExactly(session.id());
      assertThat(session.history())
          .extracting(Message::text)
          .containsExactly("one", "first", "two", "second");
      List<Interaction> history = session.getInteractionHistory();
      assertThat(history)
          .hasSize(2)
          .allSatisfy(t -> assertThat(t.sessionId()).isEqualTo(session.id()));
      assertThat(history.get(0).metadata())
          .containsEntry("step_type", "chat")
          .containsEntry("attempt_number", 1L);
      assertThat(history.get(1).metadata())
          .containsEntry("step_type", "code_generation")
          .containsEntry("attempt_number", 2L)
          .containsEntry("k", "v");
      assertThat(history.get(1).history())
          .extracting(Message::text)
          .containsExactly("one", "first");
      assertThat(history.get(1).parameters()).containsEntry("stream", true);
    }
  }

  @Test
  void aSessionKeepsAThousandInteractionsByDefault_theOldestDroppedPastThat() {
    try (LlmClient client =
            LlmClient.builder(ScriptedProvider.echo("m"))
                .tracing(LlmTracing.builder().maxInteractions(10))
                .build();
        Session session = client.newSession()) {
      for (int i = 0; i < Session.DEFAULT_MAX_HISTORY + 5; i++) {
        session.generate(LlmRequest.builder().message(Message.user("turn " + i)).build());
        session.clearHistory(); // keeps the requests small; the kept interactions are what counts
      }
      List<Interaction> kept = session.getInteractionHistory();
      assertThat(kept).hasSize(1000);
      assertThat(kept.get(0).prompt()).isEqualTo("turn 5");
    }
  }
}
