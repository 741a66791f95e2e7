package dev.otelllm.langchain4j;

import static dev.otelllm.langchain4j.FakeOpenAi.json;
import static dev.otelllm.langchain4j.FakeOpenAi.sse;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class AiServiceTest {

  interface Assistant {
    @SystemMessage("You are a weather assistant.")
    String chat(@MemoryId String userId, @UserMessage String message);
  }

  interface StreamingAssistant {
    TokenStream chat(@MemoryId String userId, @UserMessage String message);
  }

  interface Anonymous {
    String chat(String message);
  }

  static final class WeatherTools {
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile boolean fail;

    @Tool(name = "get_current_weather", value = "The current weather at a location")
    String weather(@P(name = "location", description = "City and state") String location) {
      asked.add(location);
      if (fail) {
        throw new IllegalStateException("weather service down");
      }
      return "22 degrees and sunny";
    }

    @Tool(name = "get_weather", value = "The current weather in a city")
    String cityWeather(@P(name = "city", description = "City") String city) {
      asked.add(city);
      return "18 degrees and cloudy";
    }
  }

  @Test
  void toolRoundTrip_isAnAgentSpanOverTwoChatSpansAndAnExecuteToolSpan_inTheMemoryIdsSession()
      throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/tool_calls.json"));
      f.server.enqueue(json(200, "openai/weather_answer.json"));
      WeatherTools tools = new WeatherTools();
      Assistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), f.listener)
              .chatModel(f.chatModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .tools(tools)
              .build();

      String answer;
      String workflowSpan;
      try (WorkflowScope w = f.tracing.workflow("weather")) {
        workflowSpan = w.spanId();
        answer = assistant.chat("user-42", "What is the weather in Boston?");
      }

      assertThat(answer).isEqualTo("It is 22 degrees and sunny in Boston, MA.");
      assertThat(tools.asked).containsExactly("Boston, MA");
      f.server.takeRequest(5, TimeUnit.SECONDS);
      RecordedRequest second = f.server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(second.getBody().utf8()).contains("22 degrees and sunny");

      List<Interaction> session = f.tracing.traceBuffer().getTraces(TraceQuery.session("user-42"));
      assertThat(session).hasSize(2);
      Interaction call = session.get(0);
      assertThat(call.systemPrompt()).isEqualTo("You are a weather assistant.");
      assertThat(call.prompt()).isEqualTo("What is the weather in Boston?");
      assertThat(call.tools())
          .extracting(t -> t.name())
          .containsExactlyInAnyOrder("get_current_weather", "get_weather");
      ToolDefinition weather =
          call.tools().stream()
              .filter(t -> t.name().equals("get_current_weather"))
              .findFirst()
              .orElseThrow();
      assertThat(weather.description()).isEqualTo("The current weather at a location");
      assertThat(weather.parameters())
          .isEqualTo(
              Map.of(
                  "type",
                  "object",
                  "properties",
                  Map.of("location", Map.of("type", "string", "description", "City and state")),
                  "required",
                  List.of("location")));
      assertThat(call.response().finishReason()).isEqualTo("tool_call");
      Part.ToolCall asked = call.response().toolCalls().get(0);
      assertThat(asked.id()).isEqualTo("call_abc123");
      assertThat(asked.name()).isEqualTo("get_current_weather");
      assertThat(asked.arguments()).isEqualTo(Map.of("location", "Boston, MA"));
      assertThat(call.metadata())
          .containsEntry("ai_service", "Assistant.chat")
          .containsKey("ai_service_invocation_id");

      Interaction followUp = session.get(1);
      assertThat(followUp.response().content())
          .isEqualTo("It is 22 degrees and sunny in Boston, MA.");
      assertThat(followUp.metadata().get("ai_service_invocation_id"))
          .isEqualTo(call.metadata().get("ai_service_invocation_id"));
      List<Message> sent = followUp.history();
      assertThat(sent).extracting(Message::role).containsExactly("user", "assistant", "tool");
      assertThat(sent.get(1).toolCalls())
          .extracting(Part.ToolCall::id)
          .containsExactly("call_abc123");
      assertThat(sent.get(2).parts())
          .containsExactly(new Part.ToolCallResponse("call_abc123", "22 degrees and sunny"));

      List<SpanData> spans = f.finished();
      SpanData agent = Spans.one(spans, "invoke_agent");
      assertThat(agent)
          .hasName("invoke_agent Assistant")
          .hasKind(SpanKind.INTERNAL)
          .hasParentSpanId(workflowSpan)
          .hasAttribute(AttributeKey.stringKey("gen_ai.operation.name"), "invoke_agent")
          .hasAttribute(AttributeKey.stringKey("gen_ai.agent.name"), "Assistant")
          .hasAttribute(AttributeKey.stringKey("gen_ai.provider.name"), "openai")
          .hasAttribute(AttributeKey.stringKey("gen_ai.request.model"), "gpt-4o-mini")
          .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "user-42")
          .hasAttribute(AttributeKey.stringKey("session.id"), "user-42")
          .hasAttribute(AttributeKey.stringKey("otel_llm.metadata.ai_service"), "Assistant.chat")
          .hasAttribute(
              AttributeKey.stringKey("otel_llm.metadata.ai_service_invocation_id"),
              (String) call.metadata().get("ai_service_invocation_id"));
      assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(Spans.content(agent, "gen_ai.system_instructions"))
          .isEqualTo("[{\"type\":\"text\",\"content\":\"You are a weather assistant.\"}]");
      assertThat(Spans.content(agent, "gen_ai.input.messages"))
          .isEqualTo(
              "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                  + "\"content\":\"What is the weather in Boston?\"}]}]");
      assertThat(Spans.content(agent, "gen_ai.output.messages"))
          .contains("It is 22 degrees and sunny in Boston, MA.");
      List<SpanData> chats = Spans.named(spans, "chat ");
      assertThat(chats).hasSize(2);
      for (SpanData chat : chats) {
        assertThat(chat)
            .hasParentSpanId(agent.getSpanId())
            .hasAttribute(AttributeKey.stringKey("session.id"), "user-42")
            .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "user-42");
      }
      assertThat(session)
          .as("the kept interactions point at the agent span")
          .extracting(Interaction::parentSpanId)
          .containsOnly(agent.getSpanId());
      assertThat(f.tracing.traceBuffer().getTraces())
          .as("the agent span is not an interaction")
          .hasSize(2);
      assertThat(agent.getStartEpochNanos()).isLessThanOrEqualTo(chats.get(0).getStartEpochNanos());
      assertThat(agent.getEndEpochNanos()).isGreaterThanOrEqualTo(chats.get(1).getEndEpochNanos());
      assertThat(chats.get(0))
          .hasAttribute(
              AttributeKey.stringArrayKey("gen_ai.response.finish_reasons"), List.of("tool_calls"));
      SpanData tool = Spans.one(spans, "execute_tool");
      assertThat(tool)
          .hasName("execute_tool get_current_weather")
          .hasKind(SpanKind.INTERNAL)
          .hasParentSpanId(agent.getSpanId())
          .hasAttribute(AttributeKey.stringKey("gen_ai.operation.name"), "execute_tool")
          .hasAttribute(AttributeKey.stringKey("gen_ai.tool.name"), "get_current_weather")
          .hasAttribute(AttributeKey.stringKey("gen_ai.tool.call.id"), "call_abc123")
          .hasAttribute(AttributeKey.stringKey("session.id"), "user-42");
      assertThat(Spans.content(tool, "gen_ai.tool.call.arguments"))
          .isEqualTo("{\"location\":\"Boston, MA\"}");
      assertThat(Spans.content(tool, "gen_ai.tool.call.result"))
          .isEqualTo("\"22 degrees and sunny\"");
      assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos());
      assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(chats.get(1).getStartEpochNanos());
      assertThat(f.listener.aiServices.tracked()).as("released when completed").isZero();
    }
  }

  @Test
  void failingTool_isAFailedExecuteToolSpan_andTheServiceGoesOn() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/tool_calls.json"));
      f.server.enqueue(json(200, "openai/weather_answer.json"));
      WeatherTools tools = new WeatherTools();
      tools.fail = true;
      Assistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), f.listener)
              .chatModel(f.chatModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .tools(tools)
              .build();

      assistant.chat("user-7", "What is the weather in Boston?");

      SpanData tool = Spans.one(f.finished(), "execute_tool");
      assertThat(tool).hasAttribute(AttributeKey.stringKey("error.type"), "tool_error");
      assertThat(tool.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(tool.getStatus().getDescription()).contains("weather service down");
    }
  }

  @Test
  void serviceWithoutMemoryId_keepsTheCallersSession() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(200, "openai/chat_completion.json"));
      Anonymous service =
          OtelLlmAiServices.instrument(AiServices.builder(Anonymous.class), f.listener)
              .chatModel(f.chatModel().build())
              .build();

      service.chat("Hi");

      Interaction t = f.tracing.traceBuffer().getTraces().get(0);
      assertThat(t.sessionId()).isEmpty();
      assertThat(t.metadata()).containsEntry("ai_service", "Anonymous.chat");
    }
  }

  @Test
  void failedInvocation_isAFailedAgentSpan_andReleasesItsState() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(429, "openai/error_429.json"));
      Assistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), f.listener)
              .chatModel(f.chatModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();

      assertThatThrownBy(() -> assistant.chat("user-9", "Hi"))
          .isInstanceOf(dev.langchain4j.exception.RateLimitException.class);

      Interaction t = f.tracing.traceBuffer().getTraces(TraceQuery.session("user-9")).get(0);
      assertThat(t.error()).isPresent();
      assertThat(f.listener.aiServices.tracked()).isZero();
      List<SpanData> spans = f.finished();
      SpanData agent = Spans.one(spans, "invoke_agent");
      assertThat(agent)
          .hasName("invoke_agent Assistant")
          .hasParentSpanId(SpanId.getInvalid())
          .hasAttribute(AttributeKey.stringKey("error.type"), "429")
          .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "user-9");
      assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(agent.getEvents()).extracting(EventData::getName).containsExactly("exception");
      assertThat(Spans.one(spans, "chat ")).hasParentSpanId(agent.getSpanId());
      assertThat(t.parentSpanId()).isEqualTo(agent.getSpanId());
    }
  }

  @Test
  void streamingService_toolLoopOnLangChain4jsThreads_keepsParentAndSession() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(sse("openai/stream_tool_calls.sse"));
      f.server.enqueue(sse("openai/stream.sse"));
      WeatherTools tools = new WeatherTools();
      StreamingAssistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(StreamingAssistant.class), f.listener)
              .streamingChatModel(f.listener.wrap(f.streamingModel().build()))
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .tools(tools)
              .build();

      CompletableFuture<ChatResponse> done = new CompletableFuture<>();
      String workflowSpan;
      try (WorkflowScope w = f.tracing.workflow("streaming weather")) {
        workflowSpan = w.spanId();
        assistant
            .chat("user-5", "Weather in Paris?")
            .onPartialResponse(chunk -> {})
            .onCompleteResponse(done::complete)
            .onError(done::completeExceptionally)
            .start();
      }
      assertThat(done.get(10, TimeUnit.SECONDS).aiMessage().text()).isEqualTo("Hello there!");
      assertThat(tools.asked).containsExactly("Paris");

      List<SpanData> spans = f.finished();
      SpanData agent = Spans.one(spans, "invoke_agent");
      assertThat(agent)
          .hasName("invoke_agent StreamingAssistant")
          .hasParentSpanId(workflowSpan)
          .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "user-5");
      assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(Spans.content(agent, "gen_ai.output.messages")).contains("Hello there!");
      List<SpanData> chats = Spans.named(spans, "chat ");
      assertThat(chats).hasSize(2);
      for (SpanData chat : chats) {
        assertThat(chat)
            .hasParentSpanId(agent.getSpanId())
            .hasAttribute(AttributeKey.booleanKey("gen_ai.request.stream"), true)
            .hasAttribute(AttributeKey.stringKey("session.id"), "user-5");
      }
      assertThat(agent.getEndEpochNanos())
          .as("the agent span ends after the stream")
          .isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos())
          .isGreaterThanOrEqualTo(chats.get(1).getEndEpochNanos());
      assertThat(Spans.one(spans, "execute_tool"))
          .hasName("execute_tool get_weather")
          .hasParentSpanId(agent.getSpanId())
          .hasAttribute(AttributeKey.stringKey("gen_ai.tool.call.id"), "call_1");
      assertThat(f.tracing.traceBuffer().getTraces(TraceQuery.session("user-5"))).hasSize(2);
      assertThat(f.listener.aiServices.tracked()).isZero();
    }
  }

  interface Greeter {
    @UserMessage("Greet {{name}}")
    String greet(@V("nickname") String nickname);
  }

  @Test
  void invocationFailingBeforeItStarts_isStillOneFailedAgentSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      Greeter greeter =
          OtelLlmAiServices.instrument(AiServices.builder(Greeter.class), f.listener)
              .chatModel(f.chatModel().build())
              .build();

      assertThatThrownBy(() -> greeter.greet("Bob")).isInstanceOf(RuntimeException.class);

      SpanData agent = Spans.one(f.finished(), "invoke_agent");
      assertThat(agent).hasName("invoke_agent Greeter");
      assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(agent.getAttributes().get(AttributeKey.stringKey("error.type"))).isNotBlank();
      assertThat(f.server.getRequestCount()).isZero();
      assertThat(f.listener.aiServices.tracked()).isZero();
    }
  }

  @Test
  void failingStream_endsTheAgentSpanWithTheStreamsError() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      f.server.enqueue(json(500, "openai/error_500.json"));
      StreamingAssistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(StreamingAssistant.class), f.listener)
              .streamingChatModel(f.streamingModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();

      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      assistant
          .chat("user-3", "Hi")
          .onPartialResponse(chunk -> {})
          .onCompleteResponse(r -> failed.complete(null))
          .onError(failed::complete)
          .start();
      assertThat(failed.get(10, TimeUnit.SECONDS)).isNotNull();

      List<SpanData> spans = f.finished();
      SpanData agent = Spans.one(spans, "invoke_agent");
      assertThat(agent)
          .hasName("invoke_agent StreamingAssistant")
          .hasAttribute(AttributeKey.stringKey("error.type"), "500");
      assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(Spans.one(spans, "chat ")).hasParentSpanId(agent.getSpanId());
      assertThat(f.listener.aiServices.tracked()).isZero();
    }
  }

  @Test
  void invocationsThatNeverEnd_stayWithinTheBound_andEndIncompleteWhenStale() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      AtomicLong clock = new AtomicLong();
      OtelLlmListener listener =
          OtelLlmListener.builder(f.tracing).aiServiceBound(3, 1_000, clock::get).build();
      StreamingAssistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(StreamingAssistant.class), listener)
              .streamingChatModel(f.streamingModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .build();

      // A token stream that is never started: LangChain4j never reports the invocation's end.
      for (int i = 0; i < 4; i++) {
        assistant.chat("user-" + i, "Hi");
      }
      assertThat(listener.aiServices.tracked()).as("the bound holds").isEqualTo(3);
      assertThat(Spans.named(f.finished(), "invoke_agent")).as("none stale yet").isEmpty();

      clock.addAndGet(1_001);
      assistant.chat("user-4", "Hi");

      assertThat(listener.aiServices.tracked()).as("the stale ones went").isEqualTo(1);
      List<SpanData> ended = Spans.named(f.finished(), "invoke_agent");
      assertThat(ended).hasSize(3);
      for (SpanData agent : ended) {
        assertThat(agent).hasAttribute(AttributeKey.stringKey("error.type"), "incomplete");
        assertThat(agent.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      }
      assertThat(ended)
          .extracting(a -> a.getAttributes().get(AttributeKey.stringKey("gen_ai.conversation.id")))
          .containsExactlyInAnyOrder("user-0", "user-1", "user-2");
    }
  }

  @Test
  void aToolOfAnInvocationPastTheBound_stillEndsItsSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      OtelLlmListener listener =
          OtelLlmListener.builder(f.tracing).aiServiceBound(1, Long.MAX_VALUE, () -> 0L).build();
      // A token stream never started holds the one place for good.
      OtelLlmAiServices.instrument(AiServices.builder(StreamingAssistant.class), listener)
          .streamingChatModel(f.streamingModel().build())
          .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
          .build()
          .chat("user-0", "Hi");
      assertThat(listener.aiServices.tracked()).isEqualTo(1);

      f.server.enqueue(json(200, "openai/tool_calls.json"));
      f.server.enqueue(json(200, "openai/weather_answer.json"));
      Assistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(Assistant.class), listener)
              .chatModel(f.chatModel().build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .tools(new WeatherTools())
              .build();
      assertThat(assistant.chat("user-42", "What is the weather in Boston?"))
          .isEqualTo("It is 22 degrees and sunny in Boston, MA.");

      SpanData tool = Spans.one(f.finished(), "execute_tool");
      assertThat(tool).hasName("execute_tool get_current_weather");
      assertThat(listener.aiServices.tracked()).isEqualTo(1);
    }
  }

  @Test
  void aLateErrorOfAnInvocationDroppedAsStale_startsNoSecondAgentSpan() throws Exception {
    try (FakeOpenAi f = new FakeOpenAi()) {
      AtomicLong clock = new AtomicLong();
      OtelLlmListener listener =
          OtelLlmListener.builder(f.tracing).aiServiceBound(1, 1_000, clock::get).build();
      dev.langchain4j.invocation.InvocationContext first =
          dev.langchain4j.invocation.InvocationContext.builder()
              .invocationId(java.util.UUID.randomUUID())
              .interfaceName("Assistant")
              .methodName("chat")
              .build();
      dev.langchain4j.invocation.InvocationContext second =
          dev.langchain4j.invocation.InvocationContext.builder()
              .invocationId(java.util.UUID.randomUUID())
              .interfaceName("Assistant")
              .methodName("chat")
              .build();
      listener.aiServices.started(first, null, dev.langchain4j.data.message.UserMessage.from("Hi"));
      clock.addAndGet(1_001);
      // The one place is needed again: the first, stale, is dropped and ends incomplete.
      listener.aiServices.started(
          second, null, dev.langchain4j.data.message.UserMessage.from("Hello"));
      listener.aiServices.failed(first, new IllegalStateException("too late"));
      listener.aiServices.completed(second, "ok");

      List<SpanData> agents = Spans.named(f.finished(), "invoke_agent");
      assertThat(agents).hasSize(2);
      assertThat(agents)
          .extracting(a -> a.getAttributes().get(AttributeKey.stringKey("error.type")))
          .containsExactlyInAnyOrder("incomplete", null);
    }
  }
}
