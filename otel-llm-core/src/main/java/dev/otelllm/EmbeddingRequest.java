package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Texts to turn into vectors. Immutable; build with {@link #of} or {@link #builder()}.
 *
 * @param inputs the texts, at least one
 * @param model the model to use instead of the provider's own, if any
 * @param encodingFormat the encoding asked of the server ({@code float}, {@code base64}), if any
 * @param dimensions the vector length asked for, if any
 * @param metadata the call's own metadata, recorded like a chat call's
 */
public record EmbeddingRequest(
    List<String> inputs,
    Optional<String> model,
    Optional<String> encodingFormat,
    OptionalInt dimensions,
    Map<String, Object> metadata) {

  public EmbeddingRequest {
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("an embedding request needs at least one input");
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(encodingFormat, "encodingFormat");
    Objects.requireNonNull(dimensions, "dimensions");
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
  }

  /** These texts, with the provider's model and defaults. */
  public static EmbeddingRequest of(String... inputs) {
    return builder().inputs(List.of(inputs)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link EmbeddingRequest}; setters validate at once. Not thread-safe. */
  public static final class Builder {
    private final List<String> inputs = new ArrayList<>();
    private String model;
    private String encodingFormat;
    private Integer dimensions;
    private final Map<String, Object> metadata = new LinkedHashMap<>();

    private Builder() {}

    public Builder input(String text) {
      inputs.add(Objects.requireNonNull(text, "input"));
      return this;
    }

    public Builder inputs(List<String> texts) {
      Objects.requireNonNull(texts, "inputs").forEach(this::input);
      return this;
    }

    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder encodingFormat(String format) {
      this.encodingFormat = Objects.requireNonNull(format, "encodingFormat");
      return this;
    }

    public Builder dimensions(int dimensions) {
      if (dimensions < 1) {
        throw new IllegalArgumentException("dimensions must be >= 1, was " + dimensions);
      }
      this.dimensions = dimensions;
      return this;
    }

    /** Call metadata, as {@link LlmRequest.Builder#metadata(String, Object)}. */
    public Builder metadata(String key, Object value) {
      // The same checks as a chat request's metadata.
      LlmRequest.builder().metadata(key, value);
      metadata.put(key, JsonTree.copy(value, key));
      return this;
    }

    public EmbeddingRequest build() {
      return new EmbeddingRequest(
          inputs,
          Optional.ofNullable(model),
          Optional.ofNullable(encodingFormat),
          dimensions == null ? OptionalInt.empty() : OptionalInt.of(dimensions),
          metadata);
    }
  }
}
