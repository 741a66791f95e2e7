package dev.otelllm;

import dev.otelllm.internal.JsonTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Generation parameters of one request. Immutable; build with {@link #builder()}. Every value is
 * optional: an unset value is neither sent nor recorded.
 */
public final class GenerationParams {

  private static final GenerationParams NONE = builder().build();

  private final Double temperature;
  private final Integer maxTokens;
  private final Double topP;
  private final Integer topK;
  private final Long seed;
  private final List<String> stopSequences;
  private final Double frequencyPenalty;
  private final Double presencePenalty;
  private final Integer choiceCount;
  private final String outputType;
  private final Map<String, Object> extra;

  private GenerationParams(Builder b) {
    this.temperature = b.temperature;
    this.maxTokens = b.maxTokens;
    this.topP = b.topP;
    this.topK = b.topK;
    this.seed = b.seed;
    this.stopSequences = List.copyOf(b.stopSequences);
    this.frequencyPenalty = b.frequencyPenalty;
    this.presencePenalty = b.presencePenalty;
    this.choiceCount = b.choiceCount;
    this.outputType = b.outputType;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
  }

  /** No parameter set: the provider's defaults apply. */
  public static GenerationParams none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.temperature = temperature;
    b.maxTokens = maxTokens;
    b.topP = topP;
    b.topK = topK;
    b.seed = seed;
    b.stopSequences.addAll(stopSequences);
    b.frequencyPenalty = frequencyPenalty;
    b.presencePenalty = presencePenalty;
    b.choiceCount = choiceCount;
    b.outputType = outputType;
    b.extra.putAll(extra);
    return b;
  }

  public OptionalDouble temperature() {
    return temperature == null ? OptionalDouble.empty() : OptionalDouble.of(temperature);
  }

  public OptionalInt maxTokens() {
    return maxTokens == null ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }

  public OptionalDouble topP() {
    return topP == null ? OptionalDouble.empty() : OptionalDouble.of(topP);
  }

  public OptionalInt topK() {
    return topK == null ? OptionalInt.empty() : OptionalInt.of(topK);
  }

  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /** Stop sequences; empty when none were set. */
  public List<String> stopSequences() {
    return stopSequences;
  }

  public OptionalDouble frequencyPenalty() {
    return frequencyPenalty == null ? OptionalDouble.empty() : OptionalDouble.of(frequencyPenalty);
  }

  public OptionalDouble presencePenalty() {
    return presencePenalty == null ? OptionalDouble.empty() : OptionalDouble.of(presencePenalty);
  }

  /** Number of choices asked for ({@code n}); absent means one. */
  public OptionalInt choiceCount() {
    return choiceCount == null ? OptionalInt.empty() : OptionalInt.of(choiceCount);
  }

  /** Requested output type: text, json, image or speech. */
  public Optional<String> outputType() {
    return Optional.ofNullable(outputType);
  }

  /** Provider-specific parameters not covered above, in insertion order. */
  public Map<String, Object> extra() {
    return extra;
  }

  /**
   * The parameters as the reference's {@code parameters} map: {@code temperature}, {@code
   * max_tokens}, {@code top_p}, {@code top_k}, {@code seed}, {@code stop}, {@code
   * frequency_penalty}, {@code presence_penalty}, {@code n}, {@code output_type}, then the extra
   * ones; only the set ones appear.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    putIfSet(map, "temperature", temperature);
    putIfSet(map, "max_tokens", maxTokens);
    putIfSet(map, "top_p", topP);
    putIfSet(map, "top_k", topK);
    putIfSet(map, "seed", seed);
    if (!stopSequences.isEmpty()) {
      map.put("stop", stopSequences);
    }
    putIfSet(map, "frequency_penalty", frequencyPenalty);
    putIfSet(map, "presence_penalty", presencePenalty);
    putIfSet(map, "n", choiceCount);
    putIfSet(map, "output_type", outputType);
    map.putAll(extra);
    return Collections.unmodifiableMap(map);
  }

  private static void putIfSet(Map<String, Object> map, String key, Object value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GenerationParams other && asMap().equals(other.asMap());
  }

  @Override
  public int hashCode() {
    return asMap().hashCode();
  }

  @Override
  public String toString() {
    return "GenerationParams" + asMap();
  }

  /** Builds {@link GenerationParams}; every setter validates at once. Not thread-safe. */
  public static final class Builder {
    private Double temperature;
    private Integer maxTokens;
    private Double topP;
    private Integer topK;
    private Long seed;
    private final List<String> stopSequences = new ArrayList<>();
    private Double frequencyPenalty;
    private Double presencePenalty;
    private Integer choiceCount;
    private String outputType;
    private final Map<String, Object> extra = new LinkedHashMap<>();

    private Builder() {}

    /** Sampling temperature, {@code >= 0}. */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0) || Double.isInfinite(temperature)) {
        throw new IllegalArgumentException(
            "temperature must be a finite number >= 0, was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /** Most tokens to generate, {@code > 0}. */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens <= 0) {
        throw new IllegalArgumentException("maxTokens must be > 0, was " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /** Nucleus sampling mass, in {@code [0, 1]}. */
    public Builder topP(double topP) {
      if (!(topP >= 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP must be in [0, 1], was " + topP);
      }
      this.topP = topP;
      return this;
    }

    /** Top-k sampling, {@code > 0}. */
    public Builder topK(int topK) {
      if (topK <= 0) {
        throw new IllegalArgumentException("topK must be > 0, was " + topK);
      }
      this.topK = topK;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Replaces the stop sequences. */
    public Builder stopSequences(List<String> stopSequences) {
      Objects.requireNonNull(stopSequences, "stopSequences");
      for (String s : stopSequences) {
        if (s == null || s.isEmpty()) {
          throw new IllegalArgumentException(
              "stopSequences must not contain null or empty strings");
        }
      }
      this.stopSequences.clear();
      this.stopSequences.addAll(stopSequences);
      return this;
    }

    /** Frequency penalty, in {@code [-2, 2]}. */
    public Builder frequencyPenalty(double penalty) {
      this.frequencyPenalty = penalty("frequencyPenalty", penalty);
      return this;
    }

    /** Presence penalty, in {@code [-2, 2]}. */
    public Builder presencePenalty(double penalty) {
      this.presencePenalty = penalty("presencePenalty", penalty);
      return this;
    }

    /** Number of choices, {@code >= 1}. */
    public Builder choiceCount(int choiceCount) {
      if (choiceCount < 1) {
        throw new IllegalArgumentException("choiceCount must be >= 1, was " + choiceCount);
      }
      this.choiceCount = choiceCount;
      return this;
    }

    /** Requested output type, e.g. {@code json}. */
    public Builder outputType(String outputType) {
      Objects.requireNonNull(outputType, "outputType");
      if (outputType.isBlank()) {
        throw new IllegalArgumentException("outputType must not be blank");
      }
      this.outputType = outputType;
      return this;
    }

    /**
     * A provider-specific parameter; the value is a string, number, boolean, list or map. It is
     * recorded on the span under {@code otel_llm.request.extra.<key>}.
     */
    public Builder extra(String key, Object value) {
      Objects.requireNonNull(key, "key");
      if (key.isBlank()) {
        throw new IllegalArgumentException("extra parameter key must not be blank");
      }
      extra.put(key, JsonTree.copy(Objects.requireNonNull(value, "value"), key));
      return this;
    }

    public GenerationParams build() {
      return new GenerationParams(this);
    }

    private static double penalty(String name, double value) {
      if (!(value >= -2 && value <= 2)) {
        throw new IllegalArgumentException(name + " must be in [-2, 2], was " + value);
      }
      return value;
    }
  }
}
