package dev.otelllm.providers;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import dev.otelllm.CallListener;
import dev.otelllm.GenerationParams;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmRequest;
import dev.otelllm.LlmResponse;
import dev.otelllm.Message;
import dev.otelllm.Part;
import dev.otelllm.ProviderInfo;
import dev.otelllm.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A GGUF model run inside this JVM by llama.cpp: no server, no key. Given no model file, it runs
 * the library's own tiny deterministic model (see {@link TinyGguf}; its text is nonsense, its
 * tokens, streaming and timing are real). A model file's conversation is rendered with the model's
 * own chat template (llama.cpp's ChatML when the file has none): system prompt, user and assistant
 * turns, each tool result as a user turn that names its call. Plain {@code System:}, {@code User:},
 * {@code Assistant:} lines are used instead when the template refuses the conversation or when a
 * text holds characters the binding cannot pass back intact (emoji, NUL); the tiny model always
 * gets the plain lines. Calls are serialized on one model context. Close it to free the native
 * model.
 */
final class LlamaCppProvider implements LlmProvider, AutoCloseable {

  static final String PROVIDER_NAME = "llama.cpp";
  private static final int DEFAULT_PREDICT = 64;

  private final ProviderInfo info;
  private final LlamaModel model;
  private final boolean tiny;
  private final Path file;
  private final Object lock = new Object();
  private final Map<Integer, Float> letters = new HashMap<>();
  // Guarded by lock (reentrant: onChunk runs while the generating thread holds it).
  private boolean closed;
  // Opened on the first embed call, guarded by lock.
  private LlamaModel embedder;
  private boolean generating;

  LlamaCppProvider(String modelName, Path modelFile) {
    this.tiny = modelFile == null;
    Path file = tiny ? tinyModel() : modelFile;
    this.file = file;
    if (!Files.isReadable(file)) {
      throw new IllegalStateException("llamacpp: cannot read the model file " + file);
    }
    this.info = ProviderInfo.inProcess(PROVIDER_NAME, modelName);
    this.model =
        new LlamaModel(
            new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(tiny ? TinyGguf.CONTEXT : 4096)
                .setThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))
                .disableLog());
    if (tiny) {
      // The tiny model's weights are noise: steer it to lowercase letters and spaces so that its
      // nonsense is at least printable.
      for (int c = 'a'; c <= 'z'; c++) {
        letters.put(3 + c, 8f);
      }
      letters.put(3 + ' ', 6f);
    }
  }

  private static Path tinyFile;

  /**
   * The tiny model, written once per JVM to a new temporary file of this process's own (a fixed
   * shared path could be replaced by another local user before native code parses it).
   */
  static synchronized Path tinyModel() {
    if (tinyFile != null && Files.isReadable(tinyFile)) {
      return tinyFile;
    }
    try {
      Path file = Files.createTempFile("otel-llm-tiny-", ".gguf");
      file.toFile().deleteOnExit();
      tinyFile = TinyGguf.write(file);
      return tinyFile;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "llamacpp: could not write the tiny model to the temporary folder", e);
    }
  }

  @Override
  public ProviderInfo info() {
    return info;
  }

  /**
   * Embeds each text with the model file's own embeddings (llama.cpp's pooling), on a second
   * context of the same file opened in embedding mode on first use. Calls are serialized with
   * generation.
   */
  @Override
  public dev.otelllm.EmbeddingResponse embed(dev.otelllm.EmbeddingRequest request) {
    if (request.encodingFormat().isPresent() && !request.encodingFormat().get().equals("float")) {
      throw new IllegalArgumentException(
          "llamacpp: encoding_format "
              + request.encodingFormat().get()
              + " is not supported, use float");
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("llamacpp: the provider is closed");
      }
      if (embedder == null) {
        embedder =
            new LlamaModel(
                new ModelParameters()
                    .setModel(file.toString())
                    .setCtxSize(tiny ? TinyGguf.CONTEXT : 4096)
                    .setThreads(
                        Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))
                    .enableEmbedding()
                    .disableLog());
      }
      java.util.List<java.util.List<Double>> vectors = new java.util.ArrayList<>();
      long tokens = 0;
      for (String text : request.inputs()) {
        float[] v = embedder.embed(text);
        java.util.List<Double> vector = new java.util.ArrayList<>(v.length);
        for (float x : v) {
          vector.add((double) x);
        }
        vectors.add(vector);
        tokens += embedder.encode(text).length;
      }
      return new dev.otelllm.EmbeddingResponse(
          vectors, java.util.Optional.of(info.model()), java.util.Optional.of(Usage.of(tokens, 0)));
    }
  }

  @Override
  public LlmResponse generate(LlmRequest request) {
    return stream(request, chunk -> {});
  }

  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk) {
    return stream(request, onChunk, CallListener.NONE);
  }

  /** Streams the answer; the first chunk is the first token generated, with or without text. */
  @Override
  public LlmResponse stream(LlmRequest request, Consumer<String> onChunk, CallListener listener) {
    GenerationParams p = request.params();
    int predict = p.maxTokens().orElse(DEFAULT_PREDICT);
    InferenceParameters ip =
        new InferenceParameters("")
            .setNPredict(predict)
            .setTemperature((float) p.temperature().orElse(0.0))
            .setSeed((int) p.seed().orElse(42));
    p.topP().ifPresent(v -> ip.setTopP((float) v));
    p.topK().ifPresent(ip::setTopK);
    p.frequencyPenalty().ifPresent(v -> ip.setFrequencyPenalty((float) v));
    p.presencePenalty().ifPresent(v -> ip.setPresencePenalty((float) v));
    if (!p.stopSequences().isEmpty()) {
      ip.setStopStrings(p.stopSequences().toArray(new String[0]));
    }
    if (tiny) {
      ip.setTokenIdBias(letters).setIgnoreEos(true);
    }
    StringBuilder text = new StringBuilder();
    int tokens = 0;
    int inputTokens;
    synchronized (lock) {
      if (closed || generating) {
        throw new IllegalStateException(
            closed
                ? "llamacpp: the provider is closed"
                : "llamacpp: a generation is already running on this thread");
      }
      String prompt = tiny ? render(request) : templated(request);
      ip.setPrompt(prompt);
      inputTokens = model.encode(prompt).length;
      generating = true;
      var it = model.generate(ip).iterator();
      boolean lastEmpty = false;
      try {
        while (it.hasNext()) {
          LlamaOutput out = it.next();
          if (tokens++ == 0) {
            listener.firstChunk();
          }
          lastEmpty = out.text.isEmpty();
          if (!lastEmpty) {
            text.append(out.text);
            onChunk.accept(out.text);
          }
        }
      } catch (RuntimeException | Error e) {
        it.cancel();
        throw e;
      } finally {
        generating = false;
        if (closed) {
          // close() was called from inside onChunk: free the model only now that it is idle.
          model.close();
        }
      }
      // The iterator ends with a final result that carries no new token.
      if (lastEmpty && tokens > 0) {
        tokens--;
      }
    }
    return LlmResponse.builder()
        .content(text.toString())
        .finishReason(tokens >= predict ? "length" : "stop")
        .usage(Usage.of(inputTokens, tokens))
        .model(info.model())
        .build();
  }

  /**
   * The conversation through the model's chat template, ending with the assistant's turn to speak.
   * Guarded by lock (it uses the native model).
   */
  private String templated(LlmRequest request) {
    StringBuilder system = new StringBuilder(request.systemPrompt().orElse(""));
    List<Pair<String, String>> turns = new ArrayList<>();
    for (Message m : request.messages()) {
      switch (m.role()) {
        case Message.SYSTEM -> system.append(system.isEmpty() ? "" : "\n\n").append(m.text());
        case Message.ASSISTANT -> turns.add(new Pair<>("assistant", assistantText(m)));
        // The template knows only user and assistant turns: each tool result is a user turn naming
        // its call.
        case Message.TOOL -> toolResults(m).forEach(r -> turns.add(new Pair<>("user", r)));
        default -> turns.add(new Pair<>("user", m.text()));
      }
    }
    if (!templateSafe(system) || turns.stream().anyMatch(t -> !templateSafe(t.getValue()))) {
      // The binding returns the templated text as modified UTF-8: characters outside the Basic
      // Multilingual Plane (emoji) would come back garbled and a NUL would cut the prompt short.
      return render(request);
    }
    try {
      return model.applyTemplate(new InferenceParameters("").setMessages(system.toString(), turns));
    } catch (RuntimeException e) {
      return render(request);
    }
  }

  private static boolean templateSafe(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0 || Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** One line per tool result of a tool message, each naming the call it answers. */
  private static List<String> toolResults(Message m) {
    List<String> out = new ArrayList<>();
    for (Part p : m.parts()) {
      if (p instanceof Part.ToolCallResponse r) {
        out.add("Result of tool call " + r.id() + ": " + WireFormat.resultText(r.response()));
      }
    }
    if (out.isEmpty()) {
      out.add("Tool result: " + m.text());
    }
    return out;
  }

  /** Tokens of a text in this model's vocabulary. */
  int countTokens(String text) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("llamacpp: the provider is closed");
      }
      return model.encode(text).length;
    }
  }

  private static String assistantText(Message m) {
    StringBuilder sb = new StringBuilder(m.text());
    for (Part.ToolCall c : m.toolCalls()) {
      sb.append(sb.isEmpty() ? "" : "\n")
          .append("Tool call ")
          .append(c.id())
          .append(": ")
          .append(c.name())
          .append(WireFormat.json(c.arguments()));
    }
    return sb.toString();
  }

  static String render(LlmRequest request) {
    StringBuilder sb = new StringBuilder();
    request.systemPrompt().ifPresent(s -> sb.append("System: ").append(s).append("\n\n"));
    for (Message m : request.messages()) {
      if (Message.TOOL.equals(m.role())) {
        toolResults(m).forEach(r -> sb.append("Tool: ").append(r).append('\n'));
        continue;
      }
      String role =
          switch (m.role()) {
            case Message.USER -> "User";
            case Message.ASSISTANT -> "Assistant";
            case Message.SYSTEM -> "System";
            default -> m.role();
          };
      sb.append(role)
          .append(": ")
          .append(Message.ASSISTANT.equals(m.role()) ? assistantText(m) : m.text())
          .append('\n');
    }
    return sb.append("Assistant:").toString();
  }

  /** Frees the native model; called during a generation (from its own callback), after it. */
  @Override
  public void close() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        if (!generating) {
          model.close();
        }
        if (embedder != null) {
          embedder.close();
        }
      }
    }
  }
}
