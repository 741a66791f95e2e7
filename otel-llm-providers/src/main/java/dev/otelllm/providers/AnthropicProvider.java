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
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Anthropic Messages ({@code POST {base}/v1/messages}, {@code x-api-key}, {@code
 * anthropic-version}): the system prompt as a top-level field, tool use and tool results as content
 * blocks (consecutive tool messages, and a user message right after them, as one user turn), SSE
 * streaming (message_start, content_block_delta with text and input_json deltas, message_delta with
 * usage, message_stop). Extended thinking ({@code extra("thinking", ...)}) comes back as reasoning
 * parts with their signatures (redacted thinking as {@code redacted_thinking} parts) and goes back
 * first and unchanged in the assistant turn, as the API requires after a tool call. Input tokens
 * include the cached ones, as the conventions count them. Stop reasons map to the common names:
 * end_turn and stop_sequence to stop, max_tokens to length, tool_use to tool_calls.
 *
 * <p>Of the generation parameters it sends temperature, max_tokens, top_p, top_k, stop sequences
 * and the extra ones; the API has no seed, penalties, choice count or output type, so those are
 * neither sent nor recorded. When both temperature and top_p are set only temperature is sent, as
 * current models refuse the two together, and only it is recorded. Thread-safe.
 */
final class AnthropicProvider implements LlmProvider {

  static final String API_VERSION = "2023-06-01";

  private static final String REDACTED_THINKING = "redacted_thinking";

  /** The HTTP status the API answers with for each of its error types. */
  private static final Map<String, Integer> STREAM_ERROR_STATUS =
      Map.of(
          "invalid_request_error", 400,
          "authentication_error", 401,
          "billing_error", 402,
          "permission_error", 403,
          "not_found_error", 404,
          "request_too_large", 413,
          "rate_limit_error", 429,
          "api_error", 500,
          "timeout_error", 504,
          "overloaded_error", 529);

  private final ProviderInfo info;
  private final String url;
  private final HttpCore http;
  private final int defaultMaxTokens;

  AnthropicProvider(String model, String baseUrl, ProviderOptions options, String apiKey) {
    okhttp3.HttpUrl base = okhttp3.HttpUrl.get(baseUrl);
    this.info = ProviderInfo.remote("anthropic", model, base.host(), base.port());
    this.url = baseUrl + "/v1/messages";
    this.http =
        new HttpCore(
            "anthropic",
            options,
            Map.of("x-api-key", apiKey, "anthropic-version", API_VERSION),
            apiKey);
    this.defaultMaxTokens = options.defaultMaxTokens();
  }

  @Override
  public ProviderInfo info() {
    return info;
  }

  /** Only what {@link #body} sends, which is built from this. */
  @Override
  public GenerationParams sentParams(LlmRequest request) {
    GenerationParams p = request.params();
    GenerationParams.Builder sent = GenerationParams.builder();
    p.temperature().ifPresent(sent::temperature);
    // The API requires max_tokens: the default that is sent is recorded as sent.
    sent.maxTokens(p.maxTokens().orElse(defaultMaxTokens));
    if (p.temperature().isEmpty()) {
      // Current models answer 400 to temperature and top_p together: temperature wins.
      p.topP().ifPresent(sent::topP);
    }
    p.topK().ifPresent(sent::topK);
    sent.stopSequences(p.stopSequences());
    p.extra().forEach(sent::extra);
    return sent.build();
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    return generate(request, CallListener.NONE);
  }

  @Override
  public LlmResponse generate(LlmRequest request, CallListener listener) {
    JsonNode answer = http.post(url, body(request, false), listener);
    if (!answer.path("content").isArray()) {
      throw http.invalidAnswer("content array", answer);
    }
    LlmResponse.Builder out = LlmResponse.builder();
    StringBuilder text = new StringBuilder();
    for (JsonNode block : answer.get("content")) {
      switch (block.path("type").asText()) {
        case "text" -> text.append(block.path("text").asText());
        case "tool_use" ->
            out.toolCall(
                new Part.ToolCall(
                    block.path("id").asText(""),
                    block.path("name").asText(""),
                    WireFormat.map(block.path("input"))));
        case "thinking" ->
            out.part(
                new Part.Reasoning(
                    block.path("thinking").asText(), block.path("signature").asText("")));
        case "redacted_thinking" -> out.part(redactedThinking(block.path("data").asText("")));
        default -> {}
      }
    }
    out.content(text.toString());
    if (answer.path("stop_reason").isTextual()) {
      out.finishReason(answer.get("stop_reason").asText());
    }
    if (answer.path("id").isTextual()) {
      out.responseId(answer.get("id").asText());
    }
    if (answer.path("model").isTextual()) {
      out.model(answer.get("model").asText());
    }
    if (answer.path("usage").isObject()) {
      out.usage(usage(answer.get("usage"), 0));
    }
    return out.build();
  }

  /**
   * Streams the answer. An error event inside the stream throws what the same error throws as an
   * HTTP answer (overloaded_error a 529 {@link LlmHttpException.Server}, rate_limit_error a 429
   * {@link LlmHttpException.RateLimit}, and so on), and is retried as that status is while no text
   * has reached {@code onChunk}.
   */
  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
    return stream(request, onChunk, CallListener.NONE);
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk, CallListener listener) {
    // A new attempt for every retry: nothing read before an error in the stream is kept.
    return http.stream(
            url, body(request, true), true, listener, () -> new StreamAttempt(onChunk, listener))
        .response();
  }

  /**
   * One attempt at a stream: what its events said so far, and whether the caller got text of it.
   */
  private final class StreamAttempt implements HttpCore.EventHandler {
    private final Consumer<String> onChunk;
    private final CallListener listener;
    private final HttpCore.Answer answer = http.answer();
    private final LlmResponse.Builder out = LlmResponse.builder();
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, String[]> tools = new TreeMap<>();
    private final Map<Integer, StringBuilder> toolInput = new TreeMap<>();
    // Thinking blocks by index: text and signature; redacted ones as they come.
    private final Map<Integer, StringBuilder[]> thinking = new TreeMap<>();
    private final Map<Integer, Part> redacted = new TreeMap<>();
    private JsonNode startUsage;
    private long outputTokens = -1;
    private boolean stopped;
    private boolean delivered;

    StreamAttempt(Consumer<String> onChunk, CallListener listener) {
      this.onChunk = onChunk;
      this.listener = listener;
    }

    @Override
    public boolean delivered() {
      return delivered;
    }

    @Override
    public boolean on(String event, String data) {
      JsonNode e = http.parse(data);
      String type = e.path("type").asText(event);
      switch (type) {
        case "message_start" -> {
          JsonNode message = e.path("message");
          if (message.path("id").isTextual()) {
            out.responseId(message.get("id").asText());
            listener.responseId(message.get("id").asText());
          }
          if (message.path("model").isTextual()) {
            out.model(message.get("model").asText());
            listener.responseModel(message.get("model").asText());
          }
          startUsage = message.path("usage");
          reportUsage();
        }
        case "content_block_start" -> {
          JsonNode block = e.path("content_block");
          switch (block.path("type").asText()) {
            case "tool_use" ->
                tools.put(
                    e.path("index").asInt(),
                    new String[] {
                      answer.add(block.path("id").asText("")),
                      answer.add(block.path("name").asText(""))
                    });
            case "thinking" ->
                thinking.put(
                    e.path("index").asInt(),
                    new StringBuilder[] {
                      new StringBuilder(answer.add(block.path("thinking").asText(""))),
                      new StringBuilder(answer.add(block.path("signature").asText("")))
                    });
            case "redacted_thinking" ->
                redacted.put(
                    e.path("index").asInt(),
                    redactedThinking(answer.add(block.path("data").asText(""))));
            default -> {}
          }
        }
        case "content_block_delta" -> {
          JsonNode delta = e.path("delta");
          switch (delta.path("type").asText()) {
            case "text_delta" -> {
              String piece = delta.path("text").asText();
              if (!piece.isEmpty()) {
                text.append(answer.add(piece));
                // Set first: a callback that throws has still been handed the text.
                delivered = true;
                onChunk.accept(piece);
              }
            }
            case "input_json_delta" ->
                toolInput
                    .computeIfAbsent(e.path("index").asInt(), k -> new StringBuilder())
                    .append(answer.add(delta.path("partial_json").asText()));
            case "thinking_delta" ->
                thinkingBlock(thinking, e.path("index").asInt())[0].append(
                    answer.add(delta.path("thinking").asText()));
            case "signature_delta" ->
                thinkingBlock(thinking, e.path("index").asInt())[1].append(
                    answer.add(delta.path("signature").asText()));
            default -> {}
          }
        }
        case "message_delta" -> {
          if (e.path("delta").path("stop_reason").isTextual()) {
            out.finishReason(e.get("delta").get("stop_reason").asText());
          }
          if (e.path("usage").path("output_tokens").isNumber()) {
            outputTokens = e.get("usage").get("output_tokens").asLong();
            reportUsage();
          }
        }
        case "message_stop" -> {
          stopped = true;
          return false;
        }
        case "error" -> throw streamError(e, data);
        default -> {}
      }
      return true;
    }

    /** The usage so far, told as it comes, so that the span of a stream cut later still has it. */
    private void reportUsage() {
      if (startUsage != null && startUsage.isObject()) {
        listener.usage(usage(startUsage, Math.max(0, outputTokens)));
      }
    }

    LlmResponse response() {
      if (!stopped) {
        throw new LlmTransportException(
            "anthropic",
            LlmTransportException.INVALID_RESPONSE,
            "the stream ended before message_stop (" + text.length() + " characters received)",
            null);
      }
      // Thinking first, in the order the model produced it, as the next turn must send it back.
      Map<Integer, Part> reasoning = new TreeMap<>(redacted);
      thinking.forEach(
          (index, t) -> reasoning.put(index, new Part.Reasoning(t[0].toString(), t[1].toString())));
      reasoning.values().forEach(out::part);
      tools.forEach(
          (index, idName) ->
              out.toolCall(
                  new Part.ToolCall(
                      idName[0],
                      idName[1],
                      WireFormat.arguments(
                          toolInput.getOrDefault(index, new StringBuilder()).toString()))));
      if (startUsage != null && startUsage.isObject()) {
        out.usage(usage(startUsage, Math.max(0, outputTokens)));
      }
      return out.content(text.toString()).build();
    }
  }

  /**
   * An error event in a stream that began with 200: the exception, and so the {@code error.type},
   * the same error has when the API answers with its status, so that it is retried the same way. An
   * error type the API does not document stays an invalid response.
   */
  private RuntimeException streamError(JsonNode event, String data) {
    String type = event.path("error").path("type").asText("");
    Integer status = STREAM_ERROR_STATUS.get(type);
    if (status == null) {
      return new LlmTransportException(
          "anthropic",
          LlmTransportException.INVALID_RESPONSE,
          "error in the stream: " + http.scrub(event.path("error").toString()),
          null);
    }
    return LlmHttpException.of(
        "anthropic", status, type + " in the stream", Map.of(), http.scrub(data));
  }

  private static StringBuilder[] thinkingBlock(Map<Integer, StringBuilder[]> thinking, int index) {
    return thinking.computeIfAbsent(
        index, k -> new StringBuilder[] {new StringBuilder(), new StringBuilder()});
  }

  /** A redacted thinking block: its encrypted data must go back unchanged, nobody can read it. */
  private static Part redactedThinking(String data) {
    return new Part.Generic(REDACTED_THINKING, Map.of("data", data));
  }

  private static Usage usage(JsonNode u, long streamedOutput) {
    long cacheRead = u.path("cache_read_input_tokens").asLong(0);
    long cacheWrite = u.path("cache_creation_input_tokens").asLong(0);
    long input = u.path("input_tokens").asLong(0) + cacheRead + cacheWrite;
    long output =
        u.has("output_tokens") && streamedOutput == 0
            ? u.path("output_tokens").asLong(0)
            : streamedOutput;
    return new Usage(input, output, cacheRead, cacheWrite, 0);
  }

  ObjectNode body(LlmRequest request, boolean stream) {
    ObjectNode body = WireFormat.object();
    body.put("model", request.model().orElse(info.model()));
    GenerationParams p = sentParams(request);
    body.put("max_tokens", p.maxTokens().orElseThrow());
    request.systemPrompt().ifPresent(s -> body.put("system", s));
    ArrayNode messages = body.putArray("messages");
    // The content of the user turn that tool results opened, while more of them, or the user's
    // text after them, may still join it: the API wants every tool_result answering one assistant
    // turn in a single user message, before any text, and refuses them spread over several.
    ArrayNode toolTurn = null;
    for (Message m : request.messages()) {
      if (Message.SYSTEM.equals(m.role())) {
        body.put("system", (body.path("system").asText("") + "\n" + m.text()).strip());
        continue;
      }
      ArrayNode content = WireFormat.array();
      // An assistant turn's thinking goes back first and unchanged (with its signature), or the
      // API refuses the turn that follows a tool call; thinking without a signature cannot.
      for (Part part : m.parts()) {
        if (part instanceof Part.Reasoning r && !r.signature().isEmpty()) {
          content
              .addObject()
              .put("type", "thinking")
              .put("thinking", r.content())
              .put("signature", r.signature());
        } else if (part instanceof Part.Generic g
            && g.type().equals(REDACTED_THINKING)
            && g.fields().get("data") instanceof String data) {
          content.addObject().put("type", REDACTED_THINKING).put("data", data);
        }
      }
      for (Part part : m.parts()) {
        if (part instanceof Part.Text t && !t.content().isEmpty()) {
          content.addObject().put("type", "text").put("text", t.content());
        } else if (part instanceof Part.ToolCall c) {
          ObjectNode use =
              content.addObject().put("type", "tool_use").put("id", c.id()).put("name", c.name());
          use.set("input", WireFormat.tree(c.arguments()));
        } else if (part instanceof Part.ToolCallResponse r) {
          content
              .addObject()
              .put("type", "tool_result")
              .put("tool_use_id", r.id())
              .put("content", WireFormat.resultText(r.response()));
        } else if (part instanceof Part.Blob b) {
          String type = b.mimeType().equals("application/pdf") ? "document" : "image";
          content
              .addObject()
              .put("type", type)
              .putObject("source")
              .put("type", "base64")
              .put("media_type", b.mimeType())
              .put("data", b.base64Content());
        } else if (part instanceof Part.Uri u) {
          String type = u.mimeType().equals("application/pdf") ? "document" : "image";
          content
              .addObject()
              .put("type", type)
              .putObject("source")
              .put("type", "url")
              .put("url", u.uri());
        }
      }
      if (content.isEmpty()) {
        // The API refuses a message without content (an assistant turn that said nothing).
        continue;
      }
      boolean toolResults = Message.TOOL.equals(m.role());
      if (toolTurn != null && (toolResults || Message.USER.equals(m.role()))) {
        toolTurn.addAll(content);
        if (!toolResults) {
          // Text ends the turn: tool results after it would no longer come first.
          toolTurn = null;
        }
        continue;
      }
      messages
          .addObject()
          .put("role", Message.ASSISTANT.equals(m.role()) ? "assistant" : "user")
          .set("content", content);
      toolTurn = toolResults ? content : null;
    }
    p.temperature().ifPresent(v -> body.put("temperature", v));
    p.topP().ifPresent(v -> body.put("top_p", v));
    p.topK().ifPresent(v -> body.put("top_k", v));
    if (!p.stopSequences().isEmpty()) {
      ArrayNode stop = body.putArray("stop_sequences");
      p.stopSequences().forEach(stop::add);
    }
    p.extra().forEach((k, v) -> body.set(k, WireFormat.tree(v)));
    if (!request.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (ToolDefinition t : request.tools()) {
        ObjectNode tool = tools.addObject().put("name", t.name());
        if (!t.description().isEmpty()) {
          tool.put("description", t.description());
        }
        tool.set(
            "input_schema",
            WireFormat.tree(t.parameters().isEmpty() ? Map.of("type", "object") : t.parameters()));
      }
    }
    if (stream) {
      body.put("stream", true);
    }
    return body;
  }
}
