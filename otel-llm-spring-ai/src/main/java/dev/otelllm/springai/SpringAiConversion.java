package dev.otelllm.springai;

import dev.otelllm.GenerationParams;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ToolDefinition;
import dev.otelllm.Usage;
import dev.otelllm.internal.JsonTree;
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
    String raw = orEmpty(t.arguments());
    return new Part.ToolCall(orEmpty(t.id()), orEmpty(t.name()), arguments(raw), raw);
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
    return input == 0 && output == 0 ? null : Usage.of(input, output);
  }

  /** The provider's word in lower case ({@code STOP} and {@code stop} alike), null when none. */
  static @Nullable String finishReason(@Nullable String reason) {
    return reason == null || reason.isBlank() ? null : reason.toLowerCase(Locale.ROOT);
  }

  static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
