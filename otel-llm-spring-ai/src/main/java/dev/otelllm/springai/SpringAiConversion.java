package dev.otelllm.springai;

import dev.otelllm.GenerationParams;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/** Spring AI's prompt and answer as this library's request and response. Stateless. */
final class SpringAiConversion {

  private SpringAiConversion() {}

  /** The prompt as sent: system instructions, messages, options, tool definitions. */
  static LlmRequest request(Prompt prompt, Map<String, Object> metadata) {
    LlmRequest.Builder b = LlmRequest.builder();
    StringBuilder system = new StringBuilder();
    List<Message> messages = new ArrayList<>();
    for (org.springframework.ai.chat.messages.Message m : prompt.getInstructions()) {
      if (m instanceof SystemMessage s) {
        if (system.length() > 0) {
          system.append('\n');
        }
        system.append(orEmpty(s.getText()));
      } else if (m instanceof UserMessage u) {
        messages.add(Message.user(orEmpty(u.getText())));
      } else if (m instanceof AssistantMessage a) {
        messages.add(Message.of(Message.ASSISTANT, assistantParts(a)));
      } else if (m instanceof ToolResponseMessage t) {
        for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
          messages.add(
              Message.of(
                  Message.TOOL,
                  List.of(new Part.ToolCallResponse(orEmpty(r.id()), orEmpty(r.responseData())))));
        }
      } else {
        messages.add(
            Message.of(
                m.getMessageType().getValue(), List.of(new Part.Text(orEmpty(m.getText())))));
      }
    }
    if (system.length() > 0) {
      b.systemPrompt(system.toString());
    }
    b.messages(messages);
    ChatOptions options = prompt.getOptions();
    if (options != null) {
      String model = options.getModel();
      if (model != null && !model.isEmpty()) {
        b.model(model);
      }
      b.params(params(options));
      if (options instanceof ToolCallingChatOptions tools && tools.getToolCallbacks() != null) {
        for (ToolCallback callback : tools.getToolCallbacks()) {
          b.tool(tool(callback.getToolDefinition()));
        }
      }
    }
    b.metadata(metadata);
    return b.build();
  }

  private static GenerationParams params(ChatOptions o) {
    GenerationParams.Builder p = GenerationParams.builder();
    if (o.getTemperature() != null) {
      p.temperature(o.getTemperature());
    }
    if (o.getMaxTokens() != null) {
      p.maxTokens(o.getMaxTokens());
    }
    if (o.getTopP() != null) {
      p.topP(o.getTopP());
    }
    if (o.getTopK() != null) {
      p.topK(o.getTopK());
    }
    if (o.getStopSequences() != null && !o.getStopSequences().isEmpty()) {
      p.stopSequences(o.getStopSequences());
    }
    if (o.getFrequencyPenalty() != null) {
      p.frequencyPenalty(o.getFrequencyPenalty());
    }
    if (o.getPresencePenalty() != null) {
      p.presencePenalty(o.getPresencePenalty());
    }
    return p.build();
  }

  private static ToolDefinition tool(org.springframework.ai.tool.definition.ToolDefinition d) {
    Map<String, Object> schema = Map.of();
    try {
      if (JsonTree.parse(d.inputSchema()) instanceof Map<?, ?> map) {
        schema = JsonTree.copyObject(map, "parameters");
      }
    } catch (RuntimeException e) {
      // A schema that is not JSON is recorded without parameters rather than failing the call.
    }
    return new ToolDefinition(d.name(), orEmpty(d.description()), schema);
  }

  private static List<Part> assistantParts(AssistantMessage a) {
    List<Part> parts = new ArrayList<>();
    String text = a.getText();
    if (text != null && !text.isEmpty()) {
      parts.add(new Part.Text(text));
    }
    for (AssistantMessage.ToolCall t : a.getToolCalls()) {
      parts.add(toolCall(t));
    }
    if (parts.isEmpty()) {
      parts.add(new Part.Text(""));
    }
    return parts;
  }

  static Part.ToolCall toolCall(AssistantMessage.ToolCall t) {
    return toolCall(t.id(), t.name(), t.arguments());
  }

  /** A tool call from its id, name and arguments as the model wrote them (JSON text). */
  static Part.ToolCall toolCall(@Nullable String id, @Nullable String name, @Nullable String args) {
    String raw = orEmpty(args);
    return new Part.ToolCall(orEmpty(id), orEmpty(name), arguments(raw), raw);
  }

  private static Map<String, Object> arguments(String raw) {
    if (raw.isBlank()) {
      return Map.of();
    }
    try {
      if (JsonTree.parse(raw) instanceof Map<?, ?> map) {
        return JsonTree.copyObject(map, "arguments");
      }
    } catch (RuntimeException e) {
      // Arguments that are not a JSON object stay in the raw text only.
    }
    return Map.of();
  }

  /** The answer of one call (not a stream chunk). */
  static LlmResponse response(@Nullable ChatResponse chat) {
    LlmResponse.Builder b = LlmResponse.builder();
    if (chat == null) {
      return b.build();
    }
    Generation g = chat.getResult();
    if (g != null) {
      AssistantMessage out = g.getOutput();
      String text = out.getText();
      if (text != null) {
        b.content(text);
      }
      for (AssistantMessage.ToolCall t : out.getToolCalls()) {
        b.toolCall(toolCall(t));
      }
      String finish = finishReason(g.getMetadata().getFinishReason());
      if (finish != null) {
        b.finishReason(finish);
      }
    }
    metadata(b, chat.getMetadata());
    return b.build();
  }

  /** Response id, model and usage, when the provider gave them. */
  static void metadata(LlmResponse.Builder b, ChatResponseMetadata m) {
    String id = m.getId();
    if (id != null && !id.isEmpty()) {
      b.responseId(id);
    }
    String model = m.getModel();
    if (model != null && !model.isEmpty()) {
      b.model(model);
    }
    Usage usage = usage(m.getUsage());
    if (usage != null) {
      b.usage(usage);
    }
  }

  static @Nullable Usage usage(org.springframework.ai.chat.metadata.@Nullable Usage u) {
    if (u == null) {
      return null;
    }
    Integer in = u.getPromptTokens();
    Integer out = u.getCompletionTokens();
    long input = in == null ? 0 : in;
    long output = out == null ? 0 : out;
    if (input < 0 || output < 0) {
      // Not a count a server can mean: recorded as not reported rather than as a wrong number.
      return null;
    }
    return input == 0 && output == 0 ? null : Usage.of(input, output);
  }

  /** The provider's word in lower case ({@code STOP} and {@code stop} alike), null when none. */
  static @Nullable String finishReason(@Nullable String reason) {
    return reason == null || reason.isBlank() ? null : reason.toLowerCase(Locale.ROOT);
  }

  /** {@code gen_ai.provider.name} from the options' class: {@code OpenAiChatOptions} is openai. */
  static String providerName(@Nullable ChatOptions options) {
    if (options == null) {
      return "spring_ai";
    }
    String name = options.getClass().getSimpleName();
    if (name.startsWith("AzureOpenAi")) {
      return "azure.ai.openai";
    }
    if (name.startsWith("OpenAi")) {
      return "openai";
    }
    if (name.startsWith("Anthropic")) {
      return "anthropic";
    }
    if (name.startsWith("Ollama")) {
      return "ollama";
    }
    if (name.startsWith("MistralAi")) {
      return "mistral_ai";
    }
    if (name.startsWith("DeepSeek")) {
      return "deepseek";
    }
    if (name.startsWith("VertexAiGemini") || name.startsWith("GoogleGenAi")) {
      return "gcp.gen_ai";
    }
    if (name.startsWith("Bedrock")) {
      return "aws.bedrock";
    }
    return "spring_ai";
  }

  /**
   * The HTTP status of the first exception in the chain that carries one (openai-java's {@code
   * statusCode()}, Spring's {@code getStatusCode().value()}), {@code timeout} for a timeout, else
   * the exception's class.
   */
  static String errorType(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      Integer status = status(t);
      if (status != null && status > 0) {
        return Integer.toString(status);
      }
      if (t.getClass().getSimpleName().contains("Timeout")) {
        return "timeout";
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return error.getClass().getName();
  }

  private static @Nullable Integer status(Throwable t) {
    try {
      for (String name : new String[] {"statusCode", "getStatusCode"}) {
        Method m;
        try {
          m = t.getClass().getMethod(name);
        } catch (NoSuchMethodException e) {
          continue;
        }
        Object v = m.invoke(t);
        if (v instanceof Integer i) {
          return i;
        }
        if (v != null) {
          Method value = v.getClass().getMethod("value");
          Object code = value.invoke(v);
          if (code instanceof Integer i) {
            return i;
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No readable status: the caller falls back to the exception class.
    }
    return null;
  }

  static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
