package dev.otelllm.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.otelllm.CallListener;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Ollama's native chat API ({@code POST {base}/api/chat}) with NDJSON streaming; usage from {@code
 * prompt_eval_count} and {@code eval_count}; temperature, top_p, top_k, seed, num_predict, stop,
 * penalties and extra parameters under {@code options}, except the extras {@code format}, {@code
 * keep_alive} and {@code think}, which are fields of the request. Tool calls go back with their
 * {@code id} and tool results with {@code tool_call_id} and {@code tool_name}. Thread-safe.
 */
final class OllamaProvider implements LlmProvider {

  // Fields of the chat request itself; every other extra parameter is a model option.
  private static final java.util.Set<String> TOP_LEVEL =
      java.util.Set.of("format", "keep_alive", "think");

  private final ProviderInfo info;
  private final String url;
  private final String embedUrl;
  private final HttpCore http;
  private final ProviderOptions options;

  OllamaProvider(String model, String baseUrl, ProviderOptions options) {
    okhttp3.HttpUrl base = okhttp3.HttpUrl.get(baseUrl);
    this.info = ProviderInfo.remote("ollama", model, base.host(), base.port());
    // Path added to the path, so that a query the base URL carries (a key) stays a query.
    this.url = base.newBuilder().addPathSegments("api/chat").build().toString();
    this.embedUrl = base.newBuilder().addPathSegments("api/embed").build().toString();
    this.http = new HttpCore("ollama", options, Map.of(), null);
    this.options = options;
  }

  /** {@code POST /api/embed}: {@code embeddings} in input order, {@code prompt_eval_count}. */
  @Override
  public dev.otelllm.EmbeddingResponse embed(dev.otelllm.EmbeddingRequest request) {
    return embed(request, CallListener.NONE);
  }

  @Override
  public dev.otelllm.EmbeddingResponse embed(
      dev.otelllm.EmbeddingRequest request, CallListener listener) {
    com.fasterxml.jackson.databind.node.ObjectNode body = WireFormat.object();
    body.put("model", request.model().orElse(info.model()));
    com.fasterxml.jackson.databind.node.ArrayNode input = body.putArray("input");
    request.inputs().forEach(input::add);
    request.dimensions().ifPresent(d -> body.put("dimensions", d));
    if (request.encodingFormat().isPresent() && !request.encodingFormat().get().equals("float")) {
      // Ollama answers numbers and takes no encoding format: another one cannot be honoured.
      throw new IllegalArgumentException(
          "ollama: encoding_format "
              + request.encodingFormat().get()
              + " is not supported, use float");
    }
    JsonNode answer = http.post(embedUrl, body, listener);
    if (!answer.path("embeddings").isArray()) {
      throw http.invalidAnswer("embeddings array", answer);
    }
    java.util.List<java.util.List<Double>> vectors = new java.util.ArrayList<>();
    for (JsonNode item : answer.get("embeddings")) {
      java.util.List<Double> v = new java.util.ArrayList<>(item.size());
      item.forEach(x -> v.add(x.asDouble()));
      vectors.add(v);
    }
    java.util.Optional<dev.otelllm.Usage> usage =
        answer.has("prompt_eval_count")
            ? java.util.Optional.of(
                dev.otelllm.Usage.of(answer.path("prompt_eval_count").asLong(0), 0))
            : java.util.Optional.empty();
    java.util.Optional<String> model =
        answer.path("model").isTextual()
            ? java.util.Optional.of(answer.get("model").asText())
            : java.util.Optional.empty();
    return new dev.otelllm.EmbeddingResponse(vectors, model, usage);
  }

  @Override
  public ProviderInfo info() {
    return info;
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    return generate(request, CallListener.NONE);
  }

  @Override
  public LlmResponse generate(LlmRequest request, CallListener listener) {
    JsonNode answer = http.post(url, body(request, false), listener);
    if (!answer.path("message").isObject()) {
      throw http.invalidAnswer("message", answer);
    }
    LlmResponse.Builder out =
        LlmResponse.builder().content(answer.get("message").path("content").asText(""));
    String thinking = answer.get("message").path("thinking").asText("");
    if (!thinking.isEmpty()) {
      out.part(new Part.Reasoning(thinking));
    }
    toolCalls(answer.get("message"), out, 0);
    finish(answer, out);
    return out.build();
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
    return stream(request, onChunk, CallListener.NONE);
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk, CallListener listener) {
    HttpCore.Answer answer = http.answer();
    LlmResponse.Builder out = LlmResponse.builder();
    StringBuilder text = new StringBuilder();
    StringBuilder thinking = new StringBuilder(); // with think: true, streamed beside the answer
    boolean[] done = new boolean[1];
    int[] calls = new int[1];
    http.stream(
        url,
        body(request, true),
        false,
        listener,
        (event, line) -> {
          JsonNode chunk = http.parse(line);
          if (chunk.has("error")) {
            throw new LlmTransportException(
                "ollama",
                LlmTransportException.INVALID_RESPONSE,
                "error in the stream: " + options.scrub(chunk.get("error").asText()),
                null);
          }
          // Every line names the model: the span of a stream cut later still has it.
          if (chunk.path("model").isTextual()) {
            listener.responseModel(chunk.get("model").asText());
          }
          thinking.append(answer.add(chunk.path("message").path("thinking").asText("")));
          String piece = chunk.path("message").path("content").asText("");
          if (!piece.isEmpty()) {
            text.append(answer.add(piece));
            onChunk.accept(piece);
          }
          if (chunk.path("message").has("tool_calls")) {
            answer.add(chunk.get("message").get("tool_calls").toString());
          }
          calls[0] = toolCalls(chunk.path("message"), out, calls[0]);
          if (chunk.path("done").asBoolean(false)) {
            finish(chunk, out);
            done[0] = true;
            return false;
          }
          return true;
        });
    if (!done[0]) {
      throw new LlmTransportException(
          "ollama",
          LlmTransportException.INVALID_RESPONSE,
          "the stream ended before done:true (" + text.length() + " characters received)",
          null);
    }
    if (!thinking.isEmpty()) {
      out.part(new Part.Reasoning(thinking.toString()));
    }
    return out.content(text.toString()).build();
  }

  /**
   * Adds the message's tool calls with the ids Ollama gave them. A call without one (servers before
   * tool-call ids) gets {@code call_<n>}, {@code n} its position in the answer counted from {@code
   * first}, so that its result can still name it.
   */
  private static int toolCalls(JsonNode message, LlmResponse.Builder out, int first) {
    int i = first;
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode fn = call.path("function");
      String given = call.path("id").isTextual() ? call.get("id").asText() : "";
      String id = given.isEmpty() ? "call_" + i : given;
      i++;
      out.toolCall(
          new Part.ToolCall(
              id,
              fn.path("name").asText(""),
              fn.path("arguments").isTextual()
                  ? WireFormat.arguments(fn.get("arguments").asText())
                  : WireFormat.map(fn.path("arguments"))));
    }
    return i;
  }

  private static void finish(JsonNode answer, LlmResponse.Builder out) {
    if (answer.path("done_reason").isTextual()) {
      out.finishReason(answer.get("done_reason").asText());
    }
    if (answer.path("model").isTextual()) {
      out.model(answer.get("model").asText());
    }
    if (answer.has("prompt_eval_count") || answer.has("eval_count")) {
      out.usage(
          Usage.of(
              answer.path("prompt_eval_count").asLong(0), answer.path("eval_count").asLong(0)));
    }
  }

  ObjectNode body(LlmRequest request, boolean stream) {
    ObjectNode body = WireFormat.object();
    body.put("model", request.model().orElse(info.model()));
    ArrayNode messages = body.putArray("messages");
    request
        .systemPrompt()
        .ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
    // Servers since tool-call ids take a result's tool_call_id; older ones know a result's call
    // only by the tool's name: both go back.
    Map<String, String> toolNames = new java.util.HashMap<>();
    for (Message m : request.messages()) {
      if (Message.TOOL.equals(m.role())) {
        for (Part p : m.parts()) {
          if (p instanceof Part.ToolCallResponse r) {
            ObjectNode result =
                messages
                    .addObject()
                    .put("role", "tool")
                    .put("content", WireFormat.resultText(r.response()));
            // By the call's id first: a message holding several results has one name for all.
            String name = toolNames.getOrDefault(r.id(), m.name().isEmpty() ? null : m.name());
            if (name != null) {
              result.put("tool_name", name);
            }
            if (!r.id().isEmpty()) {
              result.put("tool_call_id", r.id());
            }
          }
        }
        continue;
      }
      for (Part.ToolCall c : m.toolCalls()) {
        toolNames.put(c.id(), c.name());
      }
      ObjectNode out = messages.addObject().put("role", m.role()).put("content", m.text());
      if (!m.toolCalls().isEmpty()) {
        ArrayNode calls = out.putArray("tool_calls");
        for (Part.ToolCall c : m.toolCalls()) {
          ObjectNode call = calls.addObject();
          if (!c.id().isEmpty()) {
            // The id the answer gave, or the one numbered for it: its result carries the same.
            call.put("id", c.id());
          }
          ObjectNode fn = call.putObject("function").put("name", c.name());
          fn.set("arguments", WireFormat.tree(c.arguments()));
        }
      }
    }
    GenerationParams p = request.params();
    ObjectNode options = WireFormat.object();
    p.temperature().ifPresent(v -> options.put("temperature", v));
    p.topP().ifPresent(v -> options.put("top_p", v));
    p.topK().ifPresent(v -> options.put("top_k", v));
    p.seed().ifPresent(v -> options.put("seed", v));
    p.maxTokens().ifPresent(v -> options.put("num_predict", v));
    if (!p.stopSequences().isEmpty()) {
      ArrayNode stop = options.putArray("stop");
      p.stopSequences().forEach(stop::add);
    }
    p.frequencyPenalty().ifPresent(v -> options.put("frequency_penalty", v));
    p.presencePenalty().ifPresent(v -> options.put("presence_penalty", v));
    // Extras are model options (num_ctx, repeat_penalty, ...) except the request's own fields.
    p.extra()
        .forEach((k, v) -> (TOP_LEVEL.contains(k) ? body : options).set(k, WireFormat.tree(v)));
    if (!options.isEmpty()) {
      body.set("options", options);
    }
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition t : request.tools()) {
        ObjectNode fn =
            tools.addObject().put("type", "function").putObject("function").put("name", t.name());
        fn.put("description", t.description());
        fn.set(
            "parameters",
            WireFormat.tree(t.parameters().isEmpty() ? Map.of("type", "object") : t.parameters()));
      }
    }
    body.put("stream", stream);
    return body;
  }
}
