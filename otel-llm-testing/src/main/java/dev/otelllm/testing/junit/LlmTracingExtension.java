package dev.otelllm.testing.junit;

import dev.otelllm.LlmTracing;
import dev.otelllm.trace.TraceBuffer;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test a fresh {@link LlmTracing} (its own SDK and in-memory buffer, nothing exported)
 * and closes it after the test, so that what one test recorded never shows in another. Tests and
 * lifecycle methods receive it, or its {@link TraceBuffer}, as a parameter:
 *
 * <pre>{@code
 * @ExtendWith(LlmTracingExtension.class)
 * class NotebookTest {
 *   @Test
 *   void retriesOnce(LlmTracing tracing) {
 *     LlmClient llm = LlmClient.builder(provider).tracing(tracing).build();
 *     ...
 *     InteractionAssertions.assertThat(tracing).lastOfSession("s-1").hasStepType("code_generation");
 *   }
 * }
 * }</pre>
 *
 * <p>Register it with {@code @RegisterExtension} and {@link #withTracing(Supplier)} to configure
 * the tracing (content capture, buffer size, an exporter). Safe with tests that run in parallel:
 * each test has its own instance.
 */
public final class LlmTracingExtension
    implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LlmTracingExtension.class);

  private final Supplier<LlmTracing> factory;

  /** Each test gets {@link LlmTracing#create()}: full content in memory, 100 interactions kept. */
  public LlmTracingExtension() {
    this(LlmTracing::create);
  }

  private LlmTracingExtension(Supplier<LlmTracing> factory) {
    this.factory = factory;
  }

  /** Each test gets the tracing {@code factory} builds (called once per test). */
  public static LlmTracingExtension withTracing(Supplier<LlmTracing> factory) {
    return new LlmTracingExtension(Objects.requireNonNull(factory, "factory"));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    tracing(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    LlmTracing tracing = context.getStore(NAMESPACE).remove(LlmTracing.class, LlmTracing.class);
    if (tracing != null) {
      tracing.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == LlmTracing.class || type == TraceBuffer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException(
          "LlmTracingExtension gives an LlmTracing to test methods and the "
              + "@BeforeEach/@AfterEach methods around them, not to "
              + parameter.getDeclaringExecutable());
    }
    LlmTracing tracing = tracing(context);
    return parameter.getParameter().getType() == TraceBuffer.class
        ? tracing.traceBuffer()
        : tracing;
  }

  /** The tracing of the test this context belongs to, made on first use. */
  private LlmTracing tracing(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(
            LlmTracing.class,
            k -> {
              LlmTracing made = factory.get();
              if (made == null) {
                throw new IllegalStateException("the LlmTracingExtension factory returned null");
              }
              return made;
            },
            LlmTracing.class);
  }
}
