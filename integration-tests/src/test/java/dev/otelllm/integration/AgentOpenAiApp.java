package dev.otelllm.integration;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.otelllm.Message;
import dev.otelllm.trace.AgentInteractions;
import dev.otelllm.trace.Interaction;
import dev.otelllm.trace.TraceQuery;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A program run under the OpenTelemetry Java agent and this project's extension by {@link
 * AgentInteractionsTest}: the official openai-java client, which the agent instruments by itself,
 * calls a fake OpenAI server once plainly and once streamed inside a session; then the program
 * reads the interactions the agent's buffer kept through {@link AgentInteractions} and prints them
 * as {@code key=value} lines.
 */
public final class AgentOpenAiApp {
  static final String SESSION = "sess-openai";

  private AgentOpenAiApp() {}

  public static void main(String[] args) {
    int status = 0;
    try {
      run(args[0]);
    } catch (Throwable t) {
      t.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  private static void run(String baseUrl) {
    System.out.println("before.found=" + AgentInteractions.find().isPresent());
    OpenAIClient client =
        OpenAIOkHttpClient.builder()
            .baseUrl(baseUrl + "/v1")
            .apiKey("sk-test-not-a-key")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(10))
            .build();
    ChatCompletionCreateParams request =
        ChatCompletionCreateParams.builder()
            .model("gpt-4o-mini")
            .addSystemMessage("You are a terse assistant.")
            .addUserMessage("Say hello.")
            .temperature(0.2)
            .build();

    String plain =
        client.chat().completions().create(request).choices().get(0).message().content().orElse("");
    System.out.println("call.plain=" + plain);

    // A session scopes the call through baggage, which the extension copies onto the span.
    StringBuilder streamed = new StringBuilder();
    try (Scope ignored =
            Baggage.current().toBuilder().put("session.id", SESSION).build().makeCurrent();
        StreamResponse<ChatCompletionChunk> chunks =
            client.chat().completions().createStreaming(request)) {
      chunks.stream()
          .flatMap(c -> c.choices().stream())
          .forEach(c -> c.delta().content().ifPresent(streamed::append));
    }
    System.out.println("call.stream=" + streamed);

    AgentInteractions agent = AgentInteractions.require();
    List<Interaction> all = agent.getTraces();
    System.out.println("kept=" + all.size());
    for (int i = 0; i < all.size(); i++) {
      print(i == 0 ? "plain" : i == 1 ? "stream" : "other" + i, all.get(i));
    }
    List<Interaction> inSession = agent.getTraces(TraceQuery.session(SESSION));
    System.out.println(
        "session.span_ids="
            + inSession.stream().map(Interaction::spanId).collect(Collectors.joining(",")));
    if (!all.isEmpty()) {
      System.out.println(
          "by_span.answer="
              + agent
                  .getInteraction(all.get(0).spanId())
                  .map(t -> t.response().content())
                  .orElse("-"));
    }
    System.out.println("last1.span_id=" + agent.last(1).get(0).spanId());
  }

  private static void print(String p, Interaction t) {
    System.out.println(p + ".json=" + t.toJson());
    System.out.println(p + ".span_id=" + t.spanId());
    System.out.println(p + ".operation=" + t.operation());
    System.out.println(p + ".provider=" + t.provider());
    System.out.println(p + ".model=" + t.model());
    System.out.println(p + ".system_prompt=" + t.systemPrompt());
    System.out.println(p + ".prompt=" + t.prompt());
    System.out.println(
        p + ".roles=" + t.messages().stream().map(Message::role).collect(Collectors.joining(",")));
    System.out.println(p + ".temperature=" + t.parameters().get("temperature"));
    System.out.println(p + ".answer=" + t.response().content());
    System.out.println(p + ".finish_reason=" + t.response().finishReason());
    System.out.println(p + ".response_id=" + t.response().id());
    System.out.println(p + ".response_model=" + t.response().model());
    t.response()
        .usage()
        .ifPresent(
            u -> {
              System.out.println(p + ".input_tokens=" + u.inputTokens());
              System.out.println(p + ".output_tokens=" + u.outputTokens());
            });
    System.out.println(p + ".session_id=" + t.sessionId());
    System.out.println(p + ".content_capture=" + t.contentCapture());
  }
}
