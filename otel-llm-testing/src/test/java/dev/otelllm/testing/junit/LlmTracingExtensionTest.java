package dev.otelllm.testing.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmTracing;
import dev.otelllm.testing.DeterministicLlmProvider;
import dev.otelllm.trace.TraceBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

class LlmTracingExtensionTest {

  static final List<LlmTracing> SEEN = new CopyOnWriteArrayList<>();

  /** Run by the test kit below, not by the build directly. */
  @ExtendWith(LlmTracingExtension.class)
  static class TwoTests {
    @BeforeEach
    void before(LlmTracing tracing, TraceBuffer buffer) {
      assertThat(buffer).isSameAs(tracing.traceBuffer());
    }

    @Test
    void first(LlmTracing tracing) {
      SEEN.add(tracing);
      LlmClient.builder(DeterministicLlmProvider.echo("m"))
          .tracing(tracing)
          .build()
          .generate("one");
      assertThat(tracing.traceBuffer().size()).isEqualTo(1);
    }

    @Test
    void second(LlmTracing tracing, TraceBuffer buffer) {
      SEEN.add(tracing);
      assertThat(buffer.size()).as("nothing from the other test").isZero();
      LlmClient.builder(DeterministicLlmProvider.echo("m"))
          .tracing(tracing)
          .build()
          .generate("two");
      assertThat(buffer.size()).isEqualTo(1);
    }
  }

  static class Configured {
    @RegisterExtension
    static final LlmTracingExtension tracing =
        LlmTracingExtension.withTracing(
            () ->
                LlmTracing.builder()
                    .maxInteractions(1)
                    .contentCapture(ContentCapture.metadataOnly())
                    .build());

    @Test
    void usesTheFactory(LlmTracing tracing) {
      SEEN.add(tracing);
      assertThat(tracing.contentCapture().mode()).isEqualTo(ContentCapture.Mode.METADATA);
      assertThat(tracing.traceBuffer().maxInteractions()).isEqualTo(1);
    }
  }

  @Test
  void eachTestGetsItsOwnTracing_closedAfterIt() {
    SEEN.clear();
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(TwoTests.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(2).succeeded(2));
    assertThat(SEEN).hasSize(2).doesNotHaveDuplicates();
    // Closed: the SDK it built no longer records.
    LlmClient afterwards =
        LlmClient.builder(DeterministicLlmProvider.echo("m")).tracing(SEEN.get(0)).build();
    afterwards.generate("late");
    assertThat(SEEN.get(0).traceBuffer().size()).isEqualTo(1);
  }

  @Test
  void withTracing_usesTheGivenFactory() {
    SEEN.clear();
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Configured.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(1).succeeded(1));
    assertThat(SEEN).hasSize(1);
  }
}
