package dev.otelllm.providers;

import dev.otelllm.LlmClient;
import dev.otelllm.LlmProvider;
import dev.otelllm.LlmTracing;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Creates providers by name, as {@code create_llm(provider, model, ...)} does: {@code openai},
 * {@code anthropic}, {@code ollama} (native API), {@code lmstudio}, {@code vllm}, {@code
 * openrouter}, {@code openai-compatible} (any server of the OpenAI Chat Completions API; give its
 * base URL) and {@code llamacpp} (a GGUF model in process: {@link
 * ProviderOptions.Builder#modelPath}, or the built-in tiny model). A provider that holds native
 * resources ({@code llamacpp}) is {@link AutoCloseable}; {@link LlmClient#close()} closes it. Each
 * defaults to its usual base URL ({@code lmstudio} localhost:1234, {@code ollama} localhost:11434,
 * {@code vllm} localhost:8000, ...) and takes its API key from the usual environment variable when
 * none is given.
 */
public final class LlmProviders {
  private LlmProviders() {}

  /** The names {@link #create} takes. */
  public static final List<String> NAMES =
      List.of(
          "openai",
          "anthropic",
          "ollama",
          "lmstudio",
          "vllm",
          "openrouter",
          "openai-compatible",
          "llamacpp");

  /** A provider with default options. */
  public static LlmProvider create(String name, String model) {
    return create(name, model, ProviderOptions.defaults());
  }

  /**
   * A provider.
   *
   * @throws IllegalArgumentException for an unknown name or a blank model
   * @throws IllegalStateException when the provider needs an API key and none is given or set in
   *     its environment variable, or {@code openai-compatible} has no base URL
   */
  public static LlmProvider create(String name, String model, ProviderOptions options) {
    return create(name, model, options, System::getenv);
  }

  /** A client on a new provider, untraced: the provider is called directly. */
  public static LlmClient client(String name, String model, ProviderOptions options) {
    return LlmClient.create(create(name, model, options));
  }

  /**
   * A client on a new provider whose calls are traced by {@code tracing} (HTTP settings in {@code
   * options}, tracing settings in {@code tracing}: each in its own layer), as the reference's
   * {@code create_llm(provider, model, enable_tracing=True)}.
   */
  public static LlmClient client(
      String name, String model, ProviderOptions options, LlmTracing tracing) {
    Objects.requireNonNull(tracing, "tracing");
    return LlmClient.builder(create(name, model, options)).tracing(tracing).build();
  }

  static LlmProvider create(
      String name, String model, ProviderOptions options, Function<String, String> env) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(options, "options");
    if (model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "openai":
        return new OpenAiCompatibleProvider(
            "openai",
            model,
            base(options, "https://api.openai.com/v1"),
            options,
            key(options, env, "openai", "OPENAI_API_KEY"));
      case "anthropic":
        return new AnthropicProvider(
            model,
            base(options, "https://api.anthropic.com"),
            options,
            key(options, env, "anthropic", "ANTHROPIC_API_KEY"));
      case "ollama":
        return new OllamaProvider(model, base(options, "http://localhost:11434"), options);
      case "lmstudio":
        return new OpenAiCompatibleProvider(
            "lmstudio",
            model,
            base(options, "http://localhost:1234/v1"),
            options,
            options.apiKey().orElse(null));
      case "vllm":
        String vllmKey = env.apply("VLLM_API_KEY");
        return new OpenAiCompatibleProvider(
            "vllm",
            model,
            base(options, "http://localhost:8000/v1"),
            options,
            options
                .apiKey()
                .orElse(
                    vllmKey == null || vllmKey.isBlank()
                        ? null
                        : ProviderOptions.Builder.checkKey(vllmKey.trim(), "VLLM_API_KEY")));
      case "openrouter":
        return new OpenAiCompatibleProvider(
            "openrouter",
            model,
            base(options, "https://openrouter.ai/api/v1"),
            options,
            key(options, env, "openrouter", "OPENROUTER_API_KEY"));
      case "openai-compatible":
        String baseUrl =
            options
                .baseUrl()
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "openai-compatible needs the server's base URL: ProviderOptions.builder().baseUrl(\"http://host:port/v1\")"));
        // Only a key given for this server: OPENAI_API_KEY must not travel to whatever host this
        // is.
        return new OpenAiCompatibleProvider(
            okhttp3.HttpUrl.get(baseUrl).host().toLowerCase(Locale.ROOT),
            model,
            baseUrl,
            options,
            options.apiKey().orElse(null));
      case "llamacpp":
        return new LlamaCppProvider(model, options.modelPath().orElse(null));
      default:
        throw new IllegalArgumentException(
            "unknown provider '" + name + "': use one of " + String.join(", ", NAMES));
    }
  }

  private static String base(ProviderOptions options, String fallback) {
    return options.baseUrl().orElse(fallback);
  }

  private static String key(
      ProviderOptions options, Function<String, String> env, String provider, String variable) {
    if (options.apiKey().isPresent()) {
      return options.apiKey().get();
    }
    String fromEnv = env.apply(variable);
    if (fromEnv == null || fromEnv.isBlank()) {
      throw new IllegalStateException(
          provider
              + " needs an API key: set "
              + variable
              + " or pass ProviderOptions.builder().apiKey(...)");
    }
    return ProviderOptions.Builder.checkKey(fromEnv.trim(), variable);
  }
}
