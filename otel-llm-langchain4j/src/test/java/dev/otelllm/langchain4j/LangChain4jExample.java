package dev.otelllm.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.otelllm.LlmTracing;
import dev.otelllm.Part;
import dev.otelllm.WorkflowScope;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * LangChain4j's real OpenAI models, traced by otel-llm, against a fake OpenAI server on the
 * loopback interface that answers with canned Chat Completions bodies: no network, no key. A trip
 * planner runs three steps in one workflow span — a plan (a {@code ChatModel} call tagged with step
 * metadata), a weather question to an AI service that calls a tool (two model calls and an {@code
 * execute_tool} span, in the chat memory's session), a streamed summary — then prints a per-step
 * table read back from the in-memory buffer.
 *
 * <p>It lives in the test sources of {@code otel-llm-langchain4j} so that the examples module does
 * not carry LangChain4j and the fake server: {@code mvn -q -B -pl otel-llm-langchain4j -am
 * test-compile exec:java}. The answers are canned, so they do not fit the questions.
 */
public final class LangChain4jExample {

  interface TripAssistant {
    @dev.langchain4j.service.SystemMessage("You help travellers.")
    String chat(@MemoryId String traveller, @dev.langchain4j.service.UserMessage String message);
  }

  static final class WeatherTools {
    @Tool(name = "get_current_weather", value = "The current weather at a location")
    String weather(@P(name = "location", description = "City and state") String location) {
      return "22 degrees and sunny in " + location;
    }
  }

  private static final Pattern TOOL_RESULT = Pattern.compile("\"role\"\\s*:\\s*\"tool\"");
  private static final Pattern TOOLS = Pattern.compile("\"tools\"\\s*:");
  private static final Pattern STREAM = Pattern.compile("\"stream\"\\s*:\\s*true");

  private final PrintStream out;

  LangChain4jExample(PrintStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    new LangChain4jExample(System.out).run();
  }

  /** Runs the three steps and prints the table; returns the interactions of the workflow. */
  List<Interaction> run() throws Exception {
    try (MockWebServer server = new MockWebServer();
        LlmTracing tracing = LlmTracing.create()) {
      server.setDispatcher(new CannedOpenAi());
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      String baseUrl = "http://127.0.0.1:" + server.getPort() + "/v1";
      out.println(
          "otel-llm LangChain4j example | LangChain4j OpenAI models | fake OpenAI server at "
              + baseUrl
              + " (canned answers) | traces: in memory only");

      OtelLlmListener listener = OtelLlmListener.create(tracing);
      ChatModel model =
          OpenAiChatModel.builder()
              .baseUrl(baseUrl)
              .apiKey("not-a-real-key")
              .modelName("gpt-4o-mini")
              .listeners(List.<ChatModelListener>of(listener))
              .build();
      StreamingChatModel streaming =
          listener.wrap(
              OpenAiStreamingChatModel.builder()
                  .baseUrl(baseUrl)
                  .apiKey("not-a-real-key")
                  .modelName("gpt-4o-mini")
                  .build());
      TripAssistant assistant =
          OtelLlmAiServices.instrument(AiServices.builder(TripAssistant.class), listener)
              .chatModel(model)
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .tools(new WeatherTools())
              .build();

      String traceId;
      try (WorkflowScope run = tracing.workflow("trip_planner")) {
        traceId = run.traceId();
        model.chat(
            ChatRequest.builder()
                .messages(
                    SystemMessage.from("You plan day trips."),
                    UserMessage.from("Plan a day in Boston."))
                .build(),
            OtelLlmListener.metadata(Map.of("step_type", "plan", "attempt_number", 1)));
        String weather = assistant.chat("traveller-1", "What is the weather in Boston?");
        out.println("assistant: " + weather);
        out.print("summary:   ");
        stream(streaming, "Summarize the plan in one line.", "summary");
      }

      List<Interaction> traces = tracing.traceBuffer().getTraces(TraceQuery.traceId(traceId));
      printTable(traces, traceId);
      out.println(
          "session traveller-1 (the AI service's memory id): "
              + tracing.traceBuffer().getTraces(TraceQuery.session("traveller-1")).size()
              + " interactions");
      return traces;
    }
  }

  private void stream(StreamingChatModel streaming, String prompt, String step) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    streaming.chat(
        ChatRequest.builder().messages(UserMessage.from(prompt)).build(),
        OtelLlmListener.metadata(Map.of("step_type", step, "attempt_number", 1)),
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(String chunk) {
            out.print(chunk);
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    done.get(30, TimeUnit.SECONDS);
    out.println();
  }

  private void printTable(List<Interaction> traces, String traceId) {
    out.println();
    out.println("workflow trip_planner, trace " + traceId);
    out.printf(
        Locale.ROOT,
        "%-3s %-22s %-12s %-10s %9s %8s %8s  %s%n",
        "#",
        "step",
        "session",
        "finish",
        "tokens",
        "ms",
        "ttfc ms",
        "tool calls");
    int i = 1;
    for (Interaction t : traces) {
      Object step =
          t.metadata().getOrDefault("step_type", t.metadata().getOrDefault("ai_service", "-"));
      String tokens =
          t.response().usage().map(u -> u.inputTokens() + "/" + u.outputTokens()).orElse("-");
      String ttfc =
          t.response().timeToFirstChunkSeconds().isPresent()
              ? String.format(
                  Locale.ROOT, "%.1f", t.response().timeToFirstChunkSeconds().getAsDouble() * 1000)
              : "-";
      String calls =
          t.response().toolCalls().stream()
              .map(c -> c.name() + c.arguments())
              .collect(Collectors.joining(", "));
      out.printf(
          Locale.ROOT,
          "%-3d %-22s %-12s %-10s %9s %8.1f %8s  %s%n",
          i++,
          step,
          t.sessionId().isEmpty() ? "-" : t.sessionId(),
          t.response().finishReason(),
          tokens,
          t.generationTimeMs(),
          ttfc,
          calls.isEmpty() ? "-" : calls);
    }
    long tools =
        traces.stream()
            .flatMap(t -> t.history().stream())
            .flatMap(m -> m.parts().stream())
            .filter(Part.ToolCallResponse.class::isInstance)
            .count();
    out.printf(
        Locale.ROOT,
        "%d interactions, %d tool result(s) sent back, %d tokens%n",
        traces.size(),
        tools,
        traces.stream()
            .mapToLong(t -> t.response().usage().map(u -> u.totalTokens()).orElse(0L))
            .sum());
  }

  /** Answers as OpenAI would: a tool call, then the answer to its result, streams when asked. */
  private static final class CannedOpenAi extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String body = request.getBody() == null ? "" : request.getBody().utf8();
      if (STREAM.matcher(body).find()) {
        return FakeOpenAi.sse("openai/stream.sse");
      }
      if (TOOL_RESULT.matcher(body).find()) {
        return FakeOpenAi.json(200, "openai/weather_answer.json");
      }
      if (TOOLS.matcher(body).find()) {
        return FakeOpenAi.json(200, "openai/tool_calls.json");
      }
      return FakeOpenAi.json(200, "openai/chat_completion.json");
    }
  }
}
