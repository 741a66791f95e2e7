package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.Map;
import java.util.Objects;

/**
 * One part of a {@link Message}, in the shape of the GenAI semantic conventions' message parts.
 *
 * <p>Every implementation is an immutable record; {@link #type()} is the {@code type} field the
 * part has in {@code gen_ai.input.messages} / {@code gen_ai.output.messages}.
 */
public sealed interface Part
    permits Part.Text,
        Part.ToolCall,
        Part.ToolCallResponse,
        Part.Reasoning,
        Part.Blob,
        Part.Uri,
        Part.Generic {

  /**
   * The part's {@code type} as the conventions spell it, e.g. {@code text} or {@code tool_call}.
   */
  String type();

  /** Plain text. */
  record Text(String content) implements Part {
    public Text {
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String type() {
      return "text";
    }
  }

  /**
   * A tool call the model asked for.
   *
   * @param id the provider's call id, or {@code ""} when the provider gave none
   * @param name the tool's name
   * @param arguments parsed arguments: a JSON-like tree of maps, lists, strings, numbers, booleans
   *     and nulls
   * @param rawArguments the arguments exactly as the provider wrote them, when it sends them as
   *     text (OpenAI's JSON string), or {@code ""}. A provider of that API sends them back on the
   *     next turn as they are, not {@code arguments} written anew: parsing and writing again may
   *     reorder keys or change numbers and spacing. Sent to the model, never recorded in a span:
   *     {@code arguments} is, and passes through the content policy.
   */
  record ToolCall(String id, String name, Map<String, Object> arguments, String rawArguments)
      implements Part {
    public ToolCall {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      arguments = JsonTree.copyObject(Objects.requireNonNull(arguments, "arguments"), "arguments");
      Objects.requireNonNull(rawArguments, "rawArguments");
    }

    /** A tool call without the provider's text of its arguments. */
    public ToolCall(String id, String name, Map<String, Object> arguments) {
      this(id, name, arguments, "");
    }

    @Override
    public String type() {
      return "tool_call";
    }
  }

  /**
   * The result of a tool call, sent back to the model.
   *
   * @param id the call id this answers, or {@code ""}
   * @param response a string or a JSON-like tree
   */
  record ToolCallResponse(String id, Object response) implements Part {
    public ToolCallResponse {
      Objects.requireNonNull(id, "id");
      response = JsonTree.copy(response, "response");
    }

    @Override
    public String type() {
      return "tool_call_response";
    }
  }

  /**
   * Reasoning text a model returned beside its answer.
   *
   * @param content the reasoning text
   * @param signature the provider's opaque proof of it (Anthropic's thinking signature), which must
   *     go back unchanged on the next turn; {@code ""} when none. Sent to the model, never recorded
   *     in a span: it is not content anyone reads.
   */
  record Reasoning(String content, String signature) implements Part {
    public Reasoning {
      Objects.requireNonNull(content, "content");
      Objects.requireNonNull(signature, "signature");
    }

    /** Reasoning without a signature. */
    public Reasoning(String content) {
      this(content, "");
    }

    @Override
    public String type() {
      return "reasoning";
    }
  }

  /**
   * Inline binary data.
   *
   * @param mimeType e.g. {@code image/png}, or {@code ""}
   * @param modality image, video, audio or document
   * @param base64Content the data, base64-encoded
   */
  record Blob(String mimeType, String modality, String base64Content) implements Part {
    public Blob {
      Objects.requireNonNull(mimeType, "mimeType");
      Objects.requireNonNull(modality, "modality");
      Objects.requireNonNull(base64Content, "base64Content");
    }

    @Override
    public String type() {
      return "blob";
    }
  }

  /** Data the model reads from a URI. */
  record Uri(String mimeType, String modality, String uri) implements Part {
    public Uri {
      Objects.requireNonNull(mimeType, "mimeType");
      Objects.requireNonNull(modality, "modality");
      Objects.requireNonNull(uri, "uri");
    }

    @Override
    public String type() {
      return "uri";
    }
  }

  /** Any other part type, kept with its fields so nothing a provider sent is lost. */
  record Generic(String type, Map<String, Object> fields) implements Part {
    public Generic {
      Objects.requireNonNull(type, "type");
      if (type.isEmpty()) {
        throw new IllegalArgumentException("type must not be empty");
      }
      fields = JsonTree.copyObject(Objects.requireNonNull(fields, "fields"), "fields");
    }
  }
}
