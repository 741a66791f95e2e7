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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * OpenAI Chat Completions ({@code POST {base}/chat/completions}), and every server that speaks it:
 * LM Studio, vLLM, OpenRouter, Ollama's {@code /v1}. Streams with SSE and {@code
 * stream_options.include_usage}, so the usage-only final chunk gives the token counts. Tool-call
 * arguments go back on the next turn as the server wrote them. The answer's {@code service_tier}
 * and {@code system_fingerprint}, and a {@code service_tier} the request sends, are recorded as the
 * conventions' {@code openai.*} attributes. Thread-safe.
 */
final class OpenAiCompatibleProvider implements LlmProvider {

  // An extra parameter that the conventions give an attribute of its own.
  private static final String SERVICE_TIER = "service_tier";
  static final String REQUEST_SERVICE_TIER = "openai.request.service_tier";
  static final String RESPONSE_SERVICE_TIER = "openai.response.service_tier";
  static final String RESPONSE_SYSTEM_FINGERPRINT = "openai.response.system_fingerprint";

  private final ProviderInfo info;
  private final String url;
  private final String embeddingsUrl;
  private final HttpCore http;
  private final ProviderOptions options;
  private final boolean sendsTopK;

  OpenAiCompatibleProvider(
      String providerName, String model, String baseUrl, ProviderOptions options, String apiKey) {
    okhttp3.HttpUrl base = okhttp3.HttpUrl.get(baseUrl);
    this.info = ProviderInfo.remote(providerName, model, base.host(), base.port());
    // Path added to the path, so that a query the base URL carries (a key) stays a query.
    this.url = base.newBuilder().addPathSegments("chat/completions").build().toString();
    this.embeddingsUrl = base.newBuilder().addPathSegments("embeddings").build().toString();
    this.http =
        new HttpCore(
            providerName,
            options,
            apiKey == null ? Map.of() : Map.of("Authorization", "Bearer " + apiKey),
            apiKey);
    this.options = options;
    // OpenAI itself refuses unknown parameters; vLLM and friends take top_k.
    this.sendsTopK = !providerName.equals("openai");
  }

  /**
   * {@code POST /embeddings}: {@code data[].embedding} in input order, {@code usage.prompt_tokens}.
   */
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
    // Numbers are the default; base64 is not decoded here, so it is refused before a billed call.
    request
        .encodingFormat()
        .ifPresent(
            f -> {
              if (!f.equals("float")) {
                throw new IllegalArgumentException(
                    info.providerName()
                        + ": encoding_format "
                        + f
                        + " is not supported, use float");
              }
              body.put("encoding_format", f);
            });
    request.dimensions().ifPresent(d -> body.put("dimensions", d));
    JsonNode answer = http.post(embeddingsUrl, body, listener);
    if (!answer.path("data").isArray()) {
      throw http.invalidAnswer("data array", answer);
    }
    java.util.List<JsonNode> items = new java.util.ArrayList<>();
    answer.get("data").forEach(items::add);
    items.sort(java.util.Comparator.comparingInt(n -> n.path("index").asInt(0)));
    java.util.List<java.util.List<Double>> vectors = new java.util.ArrayList<>(items.size());
    for (JsonNode item : items) {
      if (!item.path("embedding").isArray()) {
        throw http.invalidAnswer("embedding array (ask for encoding_format float)", answer);
      }
      java.util.List<Double> v = new java.util.ArrayList<>(item.get("embedding").size());
      item.get("embedding").forEach(x -> v.add(x.asDouble()));
      vectors.add(v);
    }
    JsonNode u = answer.path("usage");
    java.util.Optional<Usage> usage =
        u.has("prompt_tokens")
            ? java.util.Optional.of(Usage.of(u.path("prompt_tokens").asLong(0), 0))
            : java.util.Optional.empty();
    return new dev.otelllm.EmbeddingResponse(vectors, text(answer, "model"), usage);
  }

  @Override
  public ProviderInfo info() {
    return info;
  }

  /**
   * What {@link #body} sends: top_k only where the server takes it, and no {@code service_tier},
   * which is sent but recorded as {@code openai.request.service_tier} instead of as an extra
   * parameter.
   */
  @Override
  public GenerationParams sentParams(LlmRequest request) {
    GenerationParams p = request.params();
    boolean tier = requestedTier(request) != null;
    if ((sendsTopK || p.topK().isEmpty()) && !tier) {
      return p;
    }
    GenerationParams.Builder sent = GenerationParams.builder();
    p.temperature().ifPresent(sent::temperature);
    p.maxTokens().ifPresent(sent::maxTokens);
    p.topP().ifPresent(sent::topP);
    if (sendsTopK) {
      p.topK().ifPresent(sent::topK);
    }
    p.seed().ifPresent(sent::seed);
    sent.stopSequences(p.stopSequences());
    p.frequencyPenalty().ifPresent(sent::frequencyPenalty);
    p.presencePenalty().ifPresent(sent::presencePenalty);
    p.choiceCount().ifPresent(sent::choiceCount);
    p.outputType().ifPresent(sent::outputType);
    p.extra()
        .forEach(
            (k, v) -> {
              if (!(tier && k.equals(SERVICE_TIER))) {
                sent.extra(k, v);
              }
            });
    return sent.build();
  }

  /** The service tier the request sends, when it is a string (anything else stays an extra). */
  private static String requestedTier(LlmRequest request) {
    return request.params().extra().get(SERVICE_TIER) instanceof String tier ? tier : null;
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    return generate(request, CallListener.NONE);
  }

  @Override
  public LlmResponse generate(LlmRequest request, CallListener listener) {
    JsonNode answer = http.post(url, body(request, false), listener);
    LlmResponse.Builder out = parse(answer);
    requestAttributes(request, out);
    return out.build();
  }

  /** The request's own attributes ride on the answer: the tracing records them at its end. */
  private static void requestAttributes(LlmRequest request, LlmResponse.Builder out) {
    String tier = requestedTier(request);
    if (tier != null) {
      out.providerAttribute(REQUEST_SERVICE_TIER, tier);
    }
  }

  /** The answer's service_tier and system_fingerprint, when it (or a streamed chunk) has them. */
  private static void responseAttributes(JsonNode answer, LlmResponse.Builder out) {
    text(answer, SERVICE_TIER).ifPresent(v -> out.providerAttribute(RESPONSE_SERVICE_TIER, v));
    text(answer, "system_fingerprint")
        .ifPresent(v -> out.providerAttribute(RESPONSE_SYSTEM_FINGERPRINT, v));
  }

  // Where OpenAI-compatible servers put a reasoning model's thinking (vLLM and DeepSeek use the
  // first, OpenRouter and some others the second).
  private static final String[] REASONING_FIELDS = {"reasoning_content", "reasoning"};

  /** The reasoning text of a message or a streamed delta: the first non-empty field, or "". */
  private static String reasoningOf(JsonNode node) {
    for (String field : REASONING_FIELDS) {
      String text = node.path(field).asText("");
      if (node.path(field).isTextual() && !text.isEmpty()) {
        return text;
      }
    }
    return "";
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
    return stream(request, onChunk, CallListener.NONE);
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk, CallListener listener) {
    HttpCore.Answer answer = http.answer();
    StringBuilder content = new StringBuilder();
    // Reasoning that servers such as vLLM, DeepSeek and OpenRouter stream beside the answer.
    StringBuilder reasoning = new StringBuilder();
    Map<Integer, String[]> calls = new TreeMap<>();
    Map<Integer, StringBuilder> callArgs = new TreeMap<>();
    LlmResponse.Builder out = LlmResponse.builder();
    boolean[] done = new boolean[1];
    http.stream(
        url,
        body(request, true),
        true,
        listener,
        (event, data) -> {
          if (data.equals("[DONE]")) {
            done[0] = true;
            return false;
          }
          JsonNode chunk = http.parse(data);
          if (chunk.has("error")) {
            throw new LlmTransportException(
                info.providerName(),
                LlmTransportException.INVALID_RESPONSE,
                "error in the stream: " + options.scrub(http.scrub(chunk.get("error").toString())),
                null);
          }
          text(chunk, "id").ifPresent(out::responseId);
          text(chunk, "model").ifPresent(out::model);
          // Every chunk repeats them; the last one given stands.
          responseAttributes(chunk, out);
          // Told as they come, so that the span of a stream cut later still has them.
          text(chunk, "id").ifPresent(listener::responseId);
          text(chunk, "model").ifPresent(listener::responseModel);
          JsonNode usage = chunk.get("usage");
          if (usage != null && usage.isObject()) {
            out.usage(usage(usage));
            listener.usage(usage(usage));
          }
          for (JsonNode choice : chunk.path("choices")) {
            if (choice.path("index").asInt(0) != 0) {
              // The answer is the first choice, as for generate(); others are not merged into it.
              continue;
            }
            JsonNode delta = choice.path("delta");
            String piece = delta.path("content").isTextual() ? delta.get("content").asText() : "";
            if (!piece.isEmpty()) {
              content.append(answer.add(piece));
              onChunk.accept(piece);
            }
            reasoning.append(answer.add(reasoningOf(delta)));
            for (JsonNode call : delta.path("tool_calls")) {
              int index = call.path("index").asInt(Math.max(0, calls.size() - 1));
              String[] idName = calls.computeIfAbsent(index, k -> new String[] {"", ""});
              if (call.path("id").isTextual()) {
                idName[0] = answer.add(call.get("id").asText());
              }
              if (call.path("function").path("name").isTextual()) {
                idName[1] = idName[1] + answer.add(call.get("function").get("name").asText());
              }
              if (call.path("function").path("arguments").isTextual()) {
                callArgs
                    .computeIfAbsent(index, k -> new StringBuilder())
                    .append(answer.add(call.get("function").get("arguments").asText()));
              }
            }
            if (choice.path("finish_reason").isTextual()) {
              out.finishReason(choice.get("finish_reason").asText());
            }
          }
          return true;
        });
    if (!done[0]) {
      throw new LlmTransportException(
          info.providerName(),
          LlmTransportException.INVALID_RESPONSE,
          "the stream ended before [DONE] (" + content.length() + " characters received)",
          null);
    }
    if (!reasoning.isEmpty()) {
      out.part(new Part.Reasoning(reasoning.toString()));
    }
    calls.forEach(
        (index, idName) -> {
          String raw = callArgs.getOrDefault(index, new StringBuilder()).toString();
          out.toolCall(new Part.ToolCall(idName[0], idName[1], WireFormat.arguments(raw), raw));
        });
    requestAttributes(request, out);
    return out.content(content.toString()).build();
  }

  ObjectNode body(LlmRequest request, boolean stream) {
    ObjectNode body = WireFormat.object();
    body.put("model", request.model().orElse(info.model()));
    ArrayNode messages = body.putArray("messages");
    request
        .systemPrompt()
        .ifPresent(s -> messages.addObject().put("role", "system").put("content", s));
    for (Message m : request.messages()) {
      addMessage(messages, m);
    }
    // OpenAI's reasoning models refuse max_tokens; every OpenAI model takes max_completion_tokens.
    // Compatible servers take max_tokens.
    WireFormat.putCommonParams(
        body, request.params(), sendsTopK, sendsTopK ? "max_tokens" : "max_completion_tokens");
    request
        .params()
        .outputType()
        .filter("json"::equals)
        .ifPresent(t -> body.putObject("response_format").put("type", "json_object"));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition t : request.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name());
        if (!t.description().isEmpty()) {
          fn.put("description", t.description());
        }
        fn.set(
            "parameters",
            WireFormat.tree(t.parameters().isEmpty() ? Map.of("type", "object") : t.parameters()));
      }
    }
    if (stream) {
      body.put("stream", true);
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private static void addMessage(ArrayNode messages, Message m) {
    if (Message.TOOL.equals(m.role())) {
      for (Part p : m.parts()) {
        if (p instanceof Part.ToolCallResponse r) {
          messages
              .addObject()
              .put("role", "tool")
              .put("tool_call_id", r.id())
              .put("content", WireFormat.resultText(r.response()));
        }
      }
      return;
    }
    ObjectNode out = messages.addObject().put("role", m.role());
    if (!m.name().isEmpty()) {
      out.put("name", m.name());
    }
    List<Part.ToolCall> calls = m.toolCalls();
    boolean media =
        m.parts().stream().anyMatch(p -> p instanceof Part.Uri || p instanceof Part.Blob);
    if (media) {
      ArrayNode content = out.putArray("content");
      for (Part p : m.parts()) {
        if (p instanceof Part.Text t) {
          content.addObject().put("type", "text").put("text", t.content());
        } else if (p instanceof Part.Uri u) {
          content.addObject().put("type", "image_url").putObject("image_url").put("url", u.uri());
        } else if (p instanceof Part.Blob b) {
          content
              .addObject()
              .put("type", "image_url")
              .putObject("image_url")
              .put("url", "data:" + b.mimeType() + ";base64," + b.base64Content());
        }
      }
    } else if (calls.isEmpty() || !m.text().isEmpty()) {
      out.put("content", m.text());
    } else {
      out.putNull("content");
    }
    if (!calls.isEmpty()) {
      ArrayNode tc = out.putArray("tool_calls");
      for (Part.ToolCall c : calls) {
        ObjectNode call = tc.addObject().put("id", c.id()).put("type", "function");
        // The server's own text when there is one: written anew, keys, numbers or spacing may
        // differ.
        String arguments =
            c.rawArguments().isEmpty() ? WireFormat.json(c.arguments()) : c.rawArguments();
        call.putObject("function").put("name", c.name()).put("arguments", arguments);
      }
    }
  }

  /** The answer's content, tool calls, finish reason, ids, usage and response attributes. */
  LlmResponse.Builder parse(JsonNode answer) {
    JsonNode choices = answer.path("choices");
    if (!choices.isArray() || choices.isEmpty() || !choices.get(0).path("message").isObject()) {
      throw http.invalidAnswer("choices[0].message", answer);
    }
    JsonNode choice = choices.get(0);
    JsonNode message = choice.get("message");
    LlmResponse.Builder out = LlmResponse.builder();
    if (message.path("content").isTextual()) {
      out.content(message.get("content").asText());
    }
    String reasoning = reasoningOf(message);
    if (!reasoning.isEmpty()) {
      out.part(new Part.Reasoning(reasoning));
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode fn = call.path("function");
      String id = call.path("id").asText("");
      String name = fn.path("name").asText("");
      if (fn.path("arguments").isTextual()) {
        String raw = fn.get("arguments").asText();
        out.toolCall(new Part.ToolCall(id, name, WireFormat.arguments(raw), raw));
      } else {
        out.toolCall(new Part.ToolCall(id, name, WireFormat.map(fn.path("arguments"))));
      }
    }
    if (choice.path("finish_reason").isTextual()) {
      out.finishReason(choice.get("finish_reason").asText());
    }
    text(answer, "id").ifPresent(out::responseId);
    text(answer, "model").ifPresent(out::model);
    if (answer.path("usage").isObject()) {
      out.usage(usage(answer.get("usage")));
    }
    responseAttributes(answer, out);
    return out;
  }

  private static Usage usage(JsonNode u) {
    return new Usage(
        u.path("prompt_tokens").asLong(0),
        u.path("completion_tokens").asLong(0),
        u.path("prompt_tokens_details").path("cached_tokens").asLong(0),
        0,
        u.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  private static java.util.Optional<String> text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual()
        ? java.util.Optional.of(v.asText())
        : java.util.Optional.empty();
  }
}
