package dev.otelllm.benchmarks;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import dev.otelllm.springai.OtelLlmAdvisor;
import dev.otelllm.springai.OtelLlmObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Caller-thread cost of one Spring AI {@code ChatClient} call (~2 KB system prompt and user
 * message, ~2 KB answer, a model that answers at once) as Spring AI ships it — no observation
 * handler, so its observations are no-ops ({@code withoutStarter}) — and as the starter sets it up:
 * the handler on the registry the model and the client are built with, the advisor on the client,
 * content off and full. The difference to {@code withoutStarter} is all the starter adds: Spring
 * AI's observations of the client, each advisor and the model becoming real, then converting the
 * prompt and the answer, the span, its attributes, the metrics and the buffer's mapping. {@code
 * observedWithoutStarter} has a handler that does nothing on the registry, as an application with
 * Spring Boot's observations (actuator) has one: the difference to it is the starter's own share.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class SpringAiStarterBenchmark {

  /**
   * A chat model that answers at once and observes its call as Spring AI's own models do (a {@code
   * ChatModelObservationContext} with the prompt, the answer set before the observation stops).
   */
  static final class InstantModel implements ChatModel {
    private static final DefaultChatModelObservationConvention CONVENTION =
        new DefaultChatModelObservationConvention();
    private static final ChatOptions DEFAULTS =
        ChatOptions.builder().model("gpt-4o-mini").temperature(0.0).build();
    private static final ChatResponse ANSWER =
        new ChatResponse(
            List.of(
                new Generation(
                    new AssistantMessage(Fixtures.ANSWER_2K),
                    ChatGenerationMetadata.builder().finishReason("STOP").build())),
            ChatResponseMetadata.builder()
                .id("chatcmpl-1")
                .model("gpt-4o-mini-2024-07-18")
                .usage(new DefaultUsage(512, 512))
                .build());

    private final ObservationRegistry registry;

    InstantModel(ObservationRegistry registry) {
      this.registry = registry;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
      Prompt request =
          prompt.getOptions() == null ? new Prompt(prompt.getInstructions(), DEFAULTS) : prompt;
      ChatModelObservationContext context =
          ChatModelObservationContext.builder().prompt(request).provider("openai").build();
      return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
          .observation(null, CONVENTION, () -> context, registry)
          .observe(
              () -> {
                context.setResponse(ANSWER);
                return ANSWER;
              });
    }

    @Override
    public ChatOptions getDefaultOptions() {
      return DEFAULTS;
    }
  }

  private ChatClient withoutStarter;
  private ChatClient observedWithoutStarter;
  private ChatClient starterContentOff;
  private ChatClient starterFullContent;
  private LlmTracing contentOffTracing;
  private LlmTracing fullContentTracing;

  private static ChatClient client(ObservationRegistry registry, boolean advised) {
    ChatClient.Builder b = ChatClient.builder(new InstantModel(registry), registry, null, null);
    if (advised) {
      b.defaultAdvisors(OtelLlmAdvisor.create());
    }
    return b.build();
  }

  private static ObservationRegistry registryWith(LlmTracing tracing) {
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(OtelLlmObservationHandler.create(tracing));
    return registry;
  }

  @Setup(Level.Trial)
  public void setUp() {
    contentOffTracing = LlmTracing.builder().contentCapture(ContentCapture.none()).build();
    fullContentTracing = LlmTracing.builder().build();
    withoutStarter = client(ObservationRegistry.NOOP, false);
    ObservationRegistry observed = ObservationRegistry.create();
    observed.observationConfig().observationHandler(context -> true);
    observedWithoutStarter = client(observed, false);
    starterContentOff = client(registryWith(contentOffTracing), true);
    starterFullContent = client(registryWith(fullContentTracing), true);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    contentOffTracing.close();
    fullContentTracing.close();
  }

  private static ChatResponse call(ChatClient client) {
    return client
        .prompt()
        .system("You are a Python code generator.")
        .user(Fixtures.PROMPT_2K)
        .advisors(a -> a.params(Map.of(OtelLlmAdvisor.SESSION_ID, "bench")))
        .call()
        .chatResponse();
  }

  @Benchmark
  public ChatResponse withoutStarter() {
    return call(withoutStarter);
  }

  @Benchmark
  public ChatResponse observedWithoutStarter() {
    return call(observedWithoutStarter);
  }

  @Benchmark
  public ChatResponse starterContentOff() {
    return call(starterContentOff);
  }

  @Benchmark
  public ChatResponse starterFullContent() {
    return call(starterFullContent);
  }
}
