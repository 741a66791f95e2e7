package dev.otelllm.examples.langchain4j;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
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
import dev.otelllm.WorkflowScope;
import dev.otelllm.examples.support.FakeOpenAiServer;
import dev.otelllm.examples.support.FakeOpenAiServer.Rule;
import dev.otelllm.examples.support.StepTable;
import dev.otelllm.langchain4j.OtelLlmAiServices;
import dev.otelllm.langchain4j.OtelLlmListener;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.SessionBaggageSpanProcessor;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * LangChain4j's real OpenAI models, traced by otel-llm, against a fake OpenAI server on the
 * loopback interface that answers with canned Chat Completions bodies: no network, no key. A trip
 * planner runs in one session ({@code trip-42}) inside one workflow span:
 *
 * <ol>
 *   <li>an AI service asks for the weather and calls a tool: two model calls and an {@code
 *       execute_tool} span, in the session named by the service's {@code @MemoryId};
 *   <li>a plan from a {@code ChatModel} call tagged with step type and attempt number; the first
 *       plan has too many stops, so a second attempt is sent with the reason;
 *   <li>a one-line summary from a streamed call.
 * </ol>
 *
 * <p>Then it prints a per-step table read back from the in-memory buffer with {@code
 * getTraces(TraceQuery.session("trip-42"))}. {@code java -jar
 * examples/langchain4j/target/otel-llm-example-langchain4j.jar}
 */
public final class LangChain4jExample {

  static final String SESSION_ID = "trip-42";
  static final String MODEL = "gpt-4o-mini";
  private static final int MAX_STOPS = 3;
  private static final int MAX_ATTEMPTS = 3;
  private static final Pattern NUMBERED = Pattern.compile("^\\s*\\d+\\.\\s");

  interface TripAssistant {
    @dev.langchain4j.service.SystemMessage("You help travellers. Use the tools for facts.")
    String weather(@MemoryId String session, @dev.langchain4j.service.UserMessage String question);
  }

  static final class WeatherTools {
    @Tool(name = "get_current_weather", value = "The current weather at a location")
    String weather(@P(name = "location", description = "City and state") String location) {
      return "22 degrees and sunny in " + location;
    }
  }

  /**
   * What the fake server answers, first match wins: a stream, the answer to a tool result, the tool
   * call when tools are offered, the fixed plan when a plan was rejected, the first plan.
   */
  static List<Rule> cannedAnswers() {
    return List.of(
        new Rule(Pattern.compile("\"stream\"\\s*:\\s*true").asPredicate(), "summary.sse"),
        new Rule(Pattern.compile("\"role\"\\s*:\\s*\"tool\"").asPredicate(), "weather_answer.json"),
        new Rule(Pattern.compile("\"tools\"\\s*:").asPredicate(), "weather_tool_call.json"),
        new Rule(body -> body.contains("failed validation"), "plan_fixed.json"),
        new Rule(body -> body.contains("Plan a day"), "plan_draft.json"));
  }

  private final PrintStream out;
  private final LlmTracing tracing;
  private final ChatModel model;
  private final StreamingChatModel streaming;
  private final TripAssistant assistant;

  private LangChain4jExample(PrintStream out, String baseUrl, LlmTracing tracing) {
    this.out = out;
    this.tracing = tracing;
    OtelLlmListener otel = OtelLlmListener.create(tracing);
    this.model =
        OpenAiChatModel.builder()
            .baseUrl(baseUrl)
            .apiKey("not-a-real-key")
            .modelName(MODEL)
            .timeout(Duration.ofSeconds(10))
            .listeners(List.<ChatModelListener>of(otel))
            .build();
    // Wrapped, so that its spans also carry the stream's chunk timings.
    this.streaming =
        otel.wrap(
            OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey("not-a-real-key")
                .modelName(MODEL)
                .timeout(Duration.ofSeconds(10))
                .build());
    this.assistant =
        OtelLlmAiServices.instrument(AiServices.builder(TripAssistant.class), otel)
            .chatModel(model)
            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
            .tools(new WeatherTools())
            .build();
  }

  /** Runs the example and exits with its code: 0 when every step got its answer. */
  public static void main(String[] args) {
    // Explicit, so that no client or server thread decides when the JVM ends.
    System.exit(run(System.out, System.err));
  }

  /** Runs the workflow and prints the table; the exit code: 0 done, 1 a step failed. */
  static int run(PrintStream out, PrintStream err) {
    try (FakeOpenAiServer server = FakeOpenAiServer.start(cannedAnswers());
        LlmTracing tracing = LlmTracing.create()) {
      out.println(
          "otel-llm LangChain4j example | LangChain4j OpenAI models, "
              + MODEL
              + " | fake OpenAI server at "
              + server.baseUrl()
              + " (canned answers) | traces: in memory only");
      String traceId = new LangChain4jExample(out, server.baseUrl(), tracing).planTrip();
      List<Interaction> steps = tracing.traceBuffer().getTraces(TraceQuery.session(SESSION_ID));
      out.println();
      out.println("session " + SESSION_ID + ", workflow trip_planner, trace " + traceId);
      StepTable.print(steps, out);
      return 0;
    } catch (Exception e) {
      err.println("error: a step failed: " + e);
      return 1;
    }
  }

  /** The three steps in the session's context and one workflow span; the workflow's trace id. */
  private String planTrip() throws Exception {
    // Baggage is how calls outside an AI service join a session: the tracing's session-baggage
    // processor copies these entries onto every span started in this context.
    Baggage session =
        Baggage.current().toBuilder()
            .put(SessionBaggageSpanProcessor.SESSION_ID, SESSION_ID)
            .put(SessionBaggageSpanProcessor.CONVERSATION_ID, SESSION_ID)
            .build();
    try (Scope ignored = Context.current().with(session).makeCurrent();
        WorkflowScope workflow = tracing.workflow("trip_planner")) {
      String weather = assistant.weather(SESSION_ID, "What is the weather in Boston today?");
      out.println("weather:  " + weather);
      String plan = plan(weather);
      out.println("plan:     " + String.join(" | ", plan.lines().toList()));
      out.print("summary:  ");
      stream("Summarize this plan in one line:\n" + plan, "summary");
      return workflow.traceId();
    }
  }

  /** A plan of at most three stops, asked again with the reason while it has more. */
  private String plan(String weather) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from("You plan day trips. Answer with a numbered list of stops."));
    messages.add(
        UserMessage.from(
            "Plan a day in Boston in at most " + MAX_STOPS + " stops. Weather: " + weather));
    for (int attempt = 1; ; attempt++) {
      ChatResponse response =
          model.chat(
              ChatRequest.builder().messages(messages).build(),
              OtelLlmListener.metadata(Map.of("step_type", "plan", "attempt_number", attempt)));
      String plan = response.aiMessage().text();
      Optional<String> problem = checkPlan(plan);
      if (problem.isEmpty()) {
        return plan;
      }
      out.println("plan, attempt " + attempt + " rejected: " + problem.get());
      if (attempt == MAX_ATTEMPTS) {
        throw new IllegalStateException("no valid plan after " + MAX_ATTEMPTS + " attempts");
      }
      messages.add(AiMessage.from(plan));
      messages.add(
          UserMessage.from(
              "The previous plan failed validation: " + problem.get() + ". Fix the plan."));
    }
  }

  /** Why a plan does not fit in a day, if it does not. */
  static Optional<String> checkPlan(String plan) {
    long stops = plan.lines().filter(l -> NUMBERED.matcher(l).find()).count();
    if (stops == 0) {
      return Optional.of("the plan has no numbered stops");
    }
    if (stops > MAX_STOPS) {
      return Optional.of(
          "the plan has " + stops + " stops, at most " + MAX_STOPS + " fit in a day");
    }
    return Optional.empty();
  }

  private void stream(String prompt, String step) throws Exception {
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
}
