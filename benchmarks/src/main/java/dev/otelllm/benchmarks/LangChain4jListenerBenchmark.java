package dev.otelllm.benchmarks;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.otelllm.ContentCapture;
import dev.otelllm.LlmTracing;
import dev.otelllm.langchain4j.OtelLlmListener;
import java.util.List;
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

/**
 * Caller-thread cost of one LangChain4j {@code ChatModel.chat} (~2 KB prompt, ~2 KB answer, a model
 * that answers at once) without a listener and with {@code OtelLlmListener}, content off and full.
 * The difference to {@code noListener} is what the adapter adds: converting LangChain4j's request
 * and answer, the span, its attributes, the metrics and the buffer's mapping.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class LangChain4jListenerBenchmark {

  /** A model that answers at once, with the listeners it was given. */
  static final class InstantModel implements ChatModel {
    private static final ChatResponse ANSWER =
        ChatResponse.builder()
            .aiMessage(AiMessage.from(Fixtures.ANSWER_2K))
            .metadata(
                ChatResponseMetadata.builder()
                    .id("chatcmpl-1")
                    .modelName("gpt-4o-mini-2024-07-18")
                    .finishReason(FinishReason.STOP)
                    .tokenUsage(new TokenUsage(512, 512))
                    .build())
            .build();

    private final List<ChatModelListener> listeners;

    InstantModel(List<ChatModelListener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public ChatResponse doChat(ChatRequest chatRequest) {
      return ANSWER;
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }

    @Override
    public ModelProvider provider() {
      return ModelProvider.OPEN_AI;
    }
  }

  private ChatModel noListener;
  private ChatModel contentOff;
  private ChatModel fullContent;
  private LlmTracing contentOffTracing;
  private LlmTracing fullContentTracing;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    request =
        ChatRequest.builder()
            .messages(
                SystemMessage.from("You are a Python code generator."),
                UserMessage.from(Fixtures.PROMPT_2K))
            .modelName("gpt-4o-mini")
            .temperature(0.0)
            .build();
    contentOffTracing = LlmTracing.builder().contentCapture(ContentCapture.none()).build();
    fullContentTracing = LlmTracing.builder().build();
    noListener = new InstantModel(List.of());
    contentOff = new InstantModel(List.of(OtelLlmListener.create(contentOffTracing)));
    fullContent = new InstantModel(List.of(OtelLlmListener.create(fullContentTracing)));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    contentOffTracing.close();
    fullContentTracing.close();
  }

  @Benchmark
  public ChatResponse noListener() {
    return noListener.chat(request);
  }

  @Benchmark
  public ChatResponse listenerContentOff() {
    return contentOff.chat(request);
  }

  @Benchmark
  public ChatResponse listenerFullContent() {
    return fullContent.chat(request);
  }
}
