package dev.otelllm.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  private static final int THREADS = 8;
  private static final int CALLS_PER_THREAD = 6;
  private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

  @Test
  void concurrentCalls_eachOneSpan_childOfItsOwnWorkflow_inItsOwnSession_noneLost()
      throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              return STREAM.matcher(request.getBody().utf8()).find()
                  ? FakeOpenAi.sse("openai/stream.sse")
                  : FakeOpenAi.json(200, "openai/chat_completion.json");
            }
          });
      ChatModel model = f.chatModel().build();
      StreamingChatModel streaming = f.listener.wrap(f.streamingModel().build());
      // Workflow span id -> the session of the thread that opened it.
      Map<String, String> sessionOfWorkflow = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String session = "s-" + t;
        Callable<Void> calls =
            () -> {
              start.await();
              for (int i = 0; i < CALLS_PER_THREAD; i++) {
                try (WorkflowScope w = f.tracing.workflow("call-" + session + "-" + i)) {
                  sessionOfWorkflow.put(w.spanId(), session);
                  if (i % 2 == 0) {
                    model.chat("Hi");
                  } else {
                    StreamingChatModelTest.Collector handler =
                        new StreamingChatModelTest.Collector();
                    streaming.chat("Hi", handler);
                    handler.await();
                  }
                }
              }
              return null;
            };
        // Each thread runs in its own session: the session id travels as baggage.
        Baggage baggage =
            Baggage.builder().put(SessionBaggageSpanProcessor.SESSION_ID, session).build();
        runs.add(pool.submit(Context.root().with(baggage).wrap(calls)));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      int calls = THREADS * CALLS_PER_THREAD;
      List<SpanData> chats = Spans.named(f.finished(), "chat ");
      assertThat(chats).hasSize(calls);
      assertThat(chats.stream().map(SpanData::getParentSpanId).distinct())
          .as("one chat span under each workflow span")
          .hasSize(calls)
          .allSatisfy(parent -> assertThat(sessionOfWorkflow).containsKey(parent));
      for (SpanData chat : chats) {
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("session.id")))
            .isEqualTo(sessionOfWorkflow.get(chat.getParentSpanId()));
      }
      List<Interaction> kept = f.tracing.traceBuffer().getTraces();
      assertThat(kept).hasSize(calls);
      assertThat(kept).allSatisfy(t -> assertThat(t.response().content()).startsWith("Hello"));
      assertThat(kept.stream().filter(t -> t.parameters().containsKey("stream")))
          .hasSize(calls / 2);
    }
  }

  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  interface StreamingAssistant {
    TokenStream chat(@MemoryId String user, @UserMessage String message);
  }

  @Test
  void concurrentAiServiceInvocations_eachItsOwnAgentSpan_overItsOwnCalls_inItsOwnSession()
      throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              return STREAM.matcher(request.getBody().utf8()).find()
                  ? FakeOpenAi.sse("openai/stream.sse")
                  : FakeOpenAi.json(200, "openai/chat_completion.json");
            }
          });
      Assistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), f.listener)
              .chatModel(f.chatModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();
      StreamingAssistant streaming =
          OtelLlmAiServices.instrument(AiServices.builder(StreamingAssistant.class), f.listener)
              .streamingChatModel(f.listener.wrap(f.streamingModel().build()))
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();
      // Workflow span id -> the memory id its thread invoked the services with.
      Map<String, String> userOfWorkflow = new ConcurrentHashMap<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        String user = "u-" + t;
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    try (WorkflowScope w = f.tracing.workflow("invoke-" + user + "-" + i)) {
                      userOfWorkflow.put(w.spanId(), user);
                      if (i % 2 == 0) {
                        assistant.chat(user, "Hi");
                      } else {
                        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                        streaming
                            .chat(user, "Hi")
                            .onPartialResponse(chunk -> {})
                            .onCompleteResponse(done::complete)
                            .onError(done::completeExceptionally)
                            .start();
                        done.get(10, TimeUnit.SECONDS);
                      }
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      int invocations = THREADS * CALLS_PER_THREAD;
      List<SpanData> spans = f.finished();
      List<SpanData> agents = Spans.named(spans, "invoke_agent ");
      assertThat(agents).hasSize(invocations);
      assertThat(agents.stream().map(SpanData::getParentSpanId).distinct())
          .as("one agent span under each workflow span")
          .hasSize(invocations)
          .allSatisfy(parent -> assertThat(userOfWorkflow).containsKey(parent));
      Map<String, SpanData> agentById = new HashMap<>();
      for (SpanData agent : agents) {
        agentById.put(agent.getSpanId(), agent);
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
            .isEqualTo(userOfWorkflow.get(agent.getParentSpanId()));
      }
      List<SpanData> chats = Spans.named(spans, "chat ");
      assertThat(chats).hasSize(invocations);
      assertThat(chats.stream().map(SpanData::getParentSpanId).distinct())
          .as("one chat span under each agent span")
          .hasSize(invocations);
      for (SpanData chat : chats) {
        SpanData agent = agentById.get(chat.getParentSpanId());
        assertThat(agent).as("the parent of %s", chat).isNotNull();
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("session.id")))
            .isEqualTo(userOfWorkflow.get(agent.getParentSpanId()));
      }
      assertThat(f.tracing.traceBuffer().getTraces()).hasSize(invocations);
      assertThat(f.listener.aiServices.tracked()).isZero();
    }
  }
}
