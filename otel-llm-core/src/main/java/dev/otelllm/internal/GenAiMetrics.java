package dev.otelllm.internal;

import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ServerAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingMetrics;
import java.util.List;

/**
 * The client metrics of the GenAI conventions: operation duration and token usage, with the advised
 * bucket boundaries. Thread-safe. Not API.
 */
public final class GenAiMetrics {

  static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final DoubleHistogram duration;
  private final LongHistogram tokens;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleHistogram timePerChunk;

  // The attributes of successful calls repeat (same provider, model, server): keep the last set
  // rather than build three Attributes per call. A benign race: at worst a set is built twice.
  private volatile CachedAttributes last;

  private record CachedAttributes(
      String operation,
      ProviderInfo info,
      String requestModel,
      String responseModel,
      Attributes common,
      Attributes input,
      Attributes output) {
    boolean matches(String op, ProviderInfo i, String req, String resp) {
      return operation.equals(op)
          && info.equals(i)
          && requestModel.equals(req)
          && java.util.Objects.equals(responseModel, resp);
    }
  }

  public GenAiMetrics(Meter meter) {
    this.duration =
        meter
            .histogramBuilder(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_NAME)
            .setUnit(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_UNIT)
            .setDescription(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_DESCRIPTION)
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.tokens =
        meter
            .histogramBuilder(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_NAME)
            .setUnit(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_UNIT)
            .setDescription(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_DESCRIPTION)
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    this.timeToFirstChunk =
        meter
            .histogramBuilder(
                GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_NAME)
            .setUnit(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_UNIT)
            .setDescription(
                GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK_DESCRIPTION)
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.timePerChunk =
        meter
            .histogramBuilder(
                GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK_NAME)
            .setUnit(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK_UNIT)
            .setDescription(
                GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK_DESCRIPTION)
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
  }

  public void recordTimeToFirstChunk(ProviderInfo info, String requestModel, double seconds) {
    timeToFirstChunk.record(seconds, common("chat", info, requestModel, null, null));
  }

  public void recordTimePerChunk(ProviderInfo info, String requestModel, double seconds) {
    timePerChunk.record(seconds, common("chat", info, requestModel, null, null));
  }

  /**
   * Records one finished operation.
   *
   * @param responseModel the answering model, or null
   * @param errorType the error type of a failed call, or null
   * @param usage token counts, or null when not reported
   */
  public void record(
      String operation,
      ProviderInfo info,
      String requestModel,
      String responseModel,
      String errorType,
      double seconds,
      Usage usage) {
    if (errorType == null) {
      CachedAttributes c = last;
      if (c == null || !c.matches(operation, info, requestModel, responseModel)) {
        Attributes common = common(operation, info, requestModel, responseModel, null);
        c =
            new CachedAttributes(
                operation,
                info,
                requestModel,
                responseModel,
                common,
                common.toBuilder()
                    .put(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE, "input")
                    .build(),
                common.toBuilder()
                    .put(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE, "output")
                    .build());
        last = c;
      }
      duration.record(seconds, c.common());
      if (usage != null) {
        tokens.record(usage.inputTokens(), c.input());
        // An embeddings call reads tokens and writes none: no output data point.
        if (!"embeddings".equals(operation)) {
          tokens.record(usage.outputTokens(), c.output());
        }
      }
      return;
    }
    Attributes common = common(operation, info, requestModel, responseModel, errorType);
    duration.record(seconds, common);
    if (usage != null) {
      tokens.record(
          usage.inputTokens(),
          common.toBuilder().put(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE, "input").build());
      tokens.record(
          usage.outputTokens(),
          common.toBuilder().put(GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE, "output").build());
    }
  }

  private static Attributes common(
      String operation,
      ProviderInfo info,
      String requestModel,
      String responseModel,
      String errorType) {
    AttributesBuilder b =
        Attributes.builder()
            .put(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, operation)
            .put(GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, info.providerName())
            .put(GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, requestModel);
    if (responseModel != null) {
      b.put(GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL, responseModel);
    }
    if (!info.serverAddress().isEmpty()) {
      b.put(ServerAttributes.SERVER_ADDRESS, info.serverAddress());
    }
    if (info.serverPort() >= 0) {
      b.put(ServerAttributes.SERVER_PORT, (long) info.serverPort());
    }
    if (errorType != null) {
      b.put(ErrorAttributes.ERROR_TYPE, errorType);
    }
    return b.build();
  }
}
