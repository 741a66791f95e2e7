package dev.otelllm;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The vectors of an {@link EmbeddingRequest}, one per input in order. Immutable.
 *
 * @param vectors one vector per input
 * @param model the model that answered, if the server said
 * @param usage the tokens read, if the server said
 */
public record EmbeddingResponse(
    List<List<Double>> vectors, Optional<String> model, Optional<Usage> usage) {

  public EmbeddingResponse {
    Objects.requireNonNull(vectors, "vectors");
    List<List<Double>> copy = new ArrayList<>(vectors.size());
    for (List<Double> v : vectors) {
      copy.add(List.copyOf(Objects.requireNonNull(v, "vector")));
    }
    vectors = List.copyOf(copy);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(usage, "usage");
  }

  /** The length of the vectors (of the first one); 0 when there are none. */
  public int dimensionCount() {
    return vectors.isEmpty() ? 0 : vectors.get(0).size();
  }
}
