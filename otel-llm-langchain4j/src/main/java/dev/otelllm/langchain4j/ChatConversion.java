package dev.otelllm.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.PdfFileContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.message.VideoContent;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j's request, answer and errors in this library's terms: what the span of a call
 * records. Each conversion keeps what it can read and drops what it cannot (a value outside the
 * library's checks, a schema it cannot write), so a call is always recorded. Stateless.
 */
final class ChatConversion {
  private ChatConversion() {}

  /**
   * The request as sent: the first system message becomes the system instructions when other
   * messages follow; the rest keep their order and roles.
   */
  static LlmRequest request(ChatRequest chatRequest, Map<String, Object> metadata) {
    List<ChatMessage> messages = chatRequest.messages();
    LlmRequest.Builder b = LlmRequest.builder();
    int first = 0;
    if (messages.size() > 1 && messages.get(0) instanceof SystemMessage system) {
      b.systemPrompt(orEmpty(system.text()));
      first = 1;
    }
    for (int i = first; i < messages.size(); i++) {
      b.message(message(messages.get(i)));
    }
    ChatRequestParameters p = chatRequest.parameters();
    if (p != null) {
      if (p.modelName() != null && !p.modelName().isBlank()) {
        b.model(p.modelName());
      }
      b.params(params(p));
      List<ToolSpecification> tools = p.toolSpecifications();
      if (tools != null) {
        for (ToolSpecification t : tools) {
          b.tool(tool(t));
        }
      }
    }
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      try {
        b.metadata(e.getKey(), e.getValue());
      } catch (IllegalArgumentException invalid) {
        // A reserved key or a value the library cannot record: the call is recorded without it.
      }
    }
    return b.build();
  }

  static Message message(ChatMessage m) {
    if (m instanceof UserMessage u) {
      List<Part> parts = new ArrayList<>(u.contents().size());
      for (Content c : u.contents()) {
        parts.add(part(c));
      }
      return new Message(Message.USER, parts, orEmpty(u.name()));
    }
    if (m instanceof AiMessage a) {
      return Message.of(Message.ASSISTANT, answerParts(a));
    }
    if (m instanceof ToolExecutionResultMessage r) {
      return new Message(
          Message.TOOL,
          List.of(new Part.ToolCallResponse(orEmpty(r.id()), orEmpty(r.text()))),
          orEmpty(r.toolName()));
    }
    if (m instanceof SystemMessage s) {
      return Message.system(orEmpty(s.text()));
    }
    if (m instanceof CustomMessage c) {
      return Message.of("custom", List.of(new Part.Generic("custom", jsonOrEmpty(c.attributes()))));
    }
    return Message.of(
        m.type().name().toLowerCase(Locale.ROOT),
        List.of(new Part.Generic(m.type().name().toLowerCase(Locale.ROOT), Map.of())));
  }

  private static List<Part> answerParts(AiMessage a) {
    List<Part> parts = new ArrayList<>(2 + a.toolExecutionRequests().size());
    if (a.thinking() != null && !a.thinking().isEmpty()) {
      parts.add(new Part.Reasoning(a.thinking()));
    }
    if (a.text() != null && (!a.text().isEmpty() || !a.hasToolExecutionRequests())) {
      parts.add(new Part.Text(a.text()));
    }
    for (ToolExecutionRequest t : a.toolExecutionRequests()) {
      parts.add(toolCall(t));
    }
    if (parts.isEmpty()) {
      parts.add(new Part.Text(""));
    }
    return parts;
  }

  private static Part part(Content c) {
    if (c instanceof TextContent t) {
      return new Part.Text(orEmpty(t.text()));
    }
    if (c instanceof ImageContent i) {
      return media("image", i.image().url(), i.image().base64Data(), i.image().mimeType());
    }
    if (c instanceof AudioContent a) {
      return media("audio", a.audio().url(), a.audio().base64Data(), a.audio().mimeType());
    }
    if (c instanceof VideoContent v) {
      return media("video", v.video().url(), v.video().base64Data(), v.video().mimeType());
    }
    if (c instanceof PdfFileContent f) {
      return media("document", f.pdfFile().url(), f.pdfFile().base64Data(), f.pdfFile().mimeType());
    }
    return new Part.Generic(c.type().name().toLowerCase(Locale.ROOT), Map.of());
  }

  private static Part media(
      String modality, @Nullable URI url, @Nullable String base64, @Nullable String mimeType) {
    if (url != null) {
      return new Part.Uri(orEmpty(mimeType), modality, url.toString());
    }
    return new Part.Blob(orEmpty(mimeType), modality, orEmpty(base64));
  }

  static Part.ToolCall toolCall(ToolExecutionRequest t) {
    String raw = orEmpty(t.arguments());
    return new Part.ToolCall(orEmpty(t.id()), orEmpty(t.name()), arguments(raw), raw);
  }

  /** Parsed arguments; text that is not a JSON object is kept under {@code _raw}. */
  static Map<String, Object> arguments(String json) {
    if (json.isBlank()) {
      return Map.of();
    }
    try {
      Object tree = JsonTree.parse(json);
      if (tree instanceof Map<?, ?> map) {
        return JsonTree.copyObject(map, "arguments");
      }
    } catch (IllegalArgumentException notJson) {
      // Kept as it came below.
    }
    return Map.of("_raw", json);
  }

  static ToolDefinition tool(ToolSpecification t) {
    Map<String, Object> schema = Map.of();
    if (t.parameters() != null) {
      try {
        schema = JsonTree.copyObject(JsonSchemaElementUtils.toMap(t.parameters()), "parameters");
      } catch (RuntimeException | LinkageError unreadable) {
        // An internal helper of LangChain4j that another version may lack or change: the tool is
        // recorded by name and description.
      }
    }
    String name = t.name() == null || t.name().isBlank() ? "unnamed" : t.name();
    return new ToolDefinition(name, orEmpty(t.description()), schema);
  }

  /** The parameters LangChain4j sends (the model's defaults merged with the request's). */
  static GenerationParams params(ChatRequestParameters p) {
    GenerationParams.Builder b = GenerationParams.builder();
    set(() -> b.temperature(p.temperature()), p.temperature());
    set(() -> b.topP(p.topP()), p.topP());
    set(() -> b.topK(p.topK()), p.topK());
    set(() -> b.frequencyPenalty(p.frequencyPenalty()), p.frequencyPenalty());
    set(() -> b.presencePenalty(p.presencePenalty()), p.presencePenalty());
    set(() -> b.maxTokens(p.maxOutputTokens()), p.maxOutputTokens());
    set(() -> b.stopSequences(p.stopSequences()), nonEmpty(p.stopSequences()));
    ResponseFormat format = p.responseFormat();
    if (format != null && format.type() != null) {
      set(() -> b.outputType(format.type().name().toLowerCase(Locale.ROOT)), format.type());
    }
    if (p.toolChoice() != null) {
      set(() -> b.extra("tool_choice", p.toolChoice().name().toLowerCase(Locale.ROOT)), "");
    }
    if (isOpenAi(p)) {
      OpenAiDetails.params(p, b);
    }
    return b.build();
  }

  /** The answer: text, reasoning and tool calls, finish reason, id, model, usage. */
  static LlmResponse response(ChatResponse r, ChatRequest request) {
    LlmResponse.Builder b = LlmResponse.builder();
    AiMessage a = r.aiMessage();
    if (a != null) {
      b.content(orEmpty(a.text()));
      if (a.thinking() != null && !a.thinking().isEmpty()) {
        b.part(new Part.Reasoning(a.thinking()));
      }
      for (ToolExecutionRequest t : a.toolExecutionRequests()) {
        b.toolCall(toolCall(t));
      }
    }
    ChatResponseMetadata m = r.metadata();
    if (m == null) {
      return b.build();
    }
    if (m.id() != null) {
      b.responseId(m.id());
    }
    if (m.modelName() != null) {
      b.model(m.modelName());
    }
    String finish = finishReason(m.finishReason());
    Usage usage = usage(m.tokenUsage());
    if (isOpenAi(m)) {
      String raw = OpenAiDetails.response(m, request.parameters(), b);
      finish = raw != null ? raw : finish;
      usage = OpenAiDetails.usage(m.tokenUsage(), usage);
    }
    if (finish != null) {
      b.finishReason(finish);
    }
    if (usage != null) {
      b.usage(usage);
    }
    return b.build();
  }

  /**
   * LangChain4j's finish reason in the conventions' terms: what the span records when the
   * provider's own word did not survive LangChain4j's mapping.
   */
  static @Nullable String finishReason(@Nullable FinishReason reason) {
    if (reason == null) {
      return null;
    }
    return switch (reason.name()) {
      case "STOP" -> "stop";
      case "LENGTH" -> "length";
      case "TOOL_EXECUTION" -> "tool_call";
      case "CONTENT_FILTER" -> "content_filter";
      default -> reason.name().toLowerCase(Locale.ROOT);
    };
  }

  static @Nullable Usage usage(@Nullable TokenUsage u) {
    if (u == null || (u.inputTokenCount() == null && u.outputTokenCount() == null)) {
      return null;
    }
    return Usage.of(nonNegative(u.inputTokenCount()), nonNegative(u.outputTokenCount()));
  }

  /**
   * {@code error.type}: the HTTP status of the answer that failed ({@code 429}, {@code 500}), or
   * {@code timeout}, or the exception's class.
   */
  static String errorType(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
      if (t instanceof HttpException http) {
        return Integer.toString(http.statusCode());
      }
      if (t instanceof dev.langchain4j.exception.TimeoutException
          || t instanceof java.net.http.HttpTimeoutException
          || t instanceof java.net.SocketTimeoutException
          || t instanceof java.util.concurrent.TimeoutException) {
        return "timeout";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return error.getClass().getName();
  }

  /**
   * True for an object of LangChain4j's OpenAI module, checked by name so that {@link
   * OpenAiDetails} (which links against that module) is loaded only when it is there.
   */
  static boolean isOpenAi(@Nullable Object o) {
    return o != null && o.getClass().getName().startsWith("dev.langchain4j.model.openai.");
  }

  private static Map<String, Object> jsonOrEmpty(Map<String, Object> attributes) {
    try {
      return JsonTree.copyObject(attributes, "attributes");
    } catch (IllegalArgumentException notJson) {
      return Map.of();
    }
  }

  private static long nonNegative(@Nullable Integer n) {
    return n == null || n < 0 ? 0 : n;
  }

  private static @Nullable Object nonEmpty(@Nullable List<String> list) {
    return list == null || list.isEmpty() ? null : list;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }

  /** Sets a parameter that is present, leaving out one the library's checks refuse. */
  private static void set(Runnable setter, @Nullable Object value) {
    if (value == null) {
      return;
    }
    try {
      setter.run();
    } catch (IllegalArgumentException outOfRange) {
      // The model received it as is; the span leaves it out rather than lose the call.
    }
  }
}
