package dev.otelllm.examples;

import dev.otelllm.LlmProvider;
import dev.otelllm.providers.LlmProviders;
import dev.otelllm.providers.ProviderOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the example runs on, from its command line and environment: the provider name (any letter
 * case), the model, and for llama.cpp the model file. Settings that cannot work are refused here,
 * with a message that names them, before anything starts.
 */
record RunSettings(boolean help, String provider, String model, Path modelPath, String baseUrl) {

  static RunSettings parse(String[] args, Map<String, String> env) {
    String provider = env.get("OTEL_LLM_PROVIDER");
    String model = env.get("OTEL_LLM_MODEL");
    String modelPath = env.get("OTEL_LLM_MODEL_PATH");
    String baseUrl = env.get("OTEL_LLM_BASE_URL");
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return new RunSettings(true, "", "", null, null);
      }
      if (!List.of("--provider", "--model", "--model-path", "--base-url").contains(arg)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
      if (i + 1 >= args.length || args[i + 1].isBlank()) {
        throw new IllegalArgumentException(arg + " needs a value");
      }
      String value = args[++i];
      switch (arg) {
        case "--provider" -> provider = value;
        case "--model" -> model = value;
        case "--base-url" -> baseUrl = value;
        default -> modelPath = value;
      }
    }
    String name = blank(provider) ? "llamacpp" : provider.trim().toLowerCase(Locale.ROOT);
    if (!name.equals("scripted") && !LlmProviders.NAMES.contains(name)) {
      // The library's own message lists the names it knows.
      LlmProviders.create(name, "unused");
    }
    if (name.equals("llamacpp")
        && blank(modelPath)
        && !blank(model)
        && model.trim().endsWith(".gguf")) {
      modelPath = model.trim();
    }
    Path file = null;
    if (!blank(modelPath)) {
      if (!name.equals("llamacpp")) {
        throw new IllegalArgumentException(
            "a model file (OTEL_LLM_MODEL_PATH, --model-path) is for llamacpp, not " + name);
      }
      file = Path.of(modelPath.trim());
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException("model file is a directory: " + file);
      }
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("model file not found: " + file);
      }
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException("model file is not readable: " + file);
      }
      if (blank(model) || model.trim().endsWith(".gguf")) {
        String fileName = file.getFileName().toString();
        model =
            fileName.endsWith(".gguf") ? fileName.substring(0, fileName.length() - 5) : fileName;
      }
    }
    if (blank(model)) {
      model = defaultModel(name);
    }
    return new RunSettings(false, name, model.trim(), file, blank(baseUrl) ? null : baseUrl.trim());
  }

  private static String defaultModel(String provider) {
    return switch (provider) {
      case "openai" -> "gpt-4o-mini";
      case "anthropic" -> "claude-sonnet-4-5";
      case "ollama" -> "llama3.2";
      case "llamacpp" -> "tiny-llama";
      case "scripted" -> "scripted-coder";
      default ->
          throw new IllegalArgumentException(
              "provider " + provider + " has no default model: set OTEL_LLM_MODEL or --model");
    };
  }

  /** The model as the header shows it. */
  String modelLabel() {
    if (provider.equals("llamacpp")) {
      return modelPath == null ? model + " (built-in test model)" : model + " (" + modelPath + ")";
    }
    return model;
  }

  /**
   * The provider. llama.cpp's Java binding prints where it extracted its native library on standard
   * output when it loads; that line is not the program's output, so it is held back.
   */
  LlmProvider createProvider() {
    if (provider.equals("scripted")) {
      return CodeGenerationWorkflow.scriptedModel();
    }
    ProviderOptions.Builder options = ProviderOptions.builder();
    if (modelPath != null) {
      options.modelPath(modelPath);
    }
    if (baseUrl != null) {
      options.baseUrl(baseUrl);
    }
    if (!provider.equals("llamacpp")) {
      return LlmProviders.create(provider, model, options.build());
    }
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      return LlmProviders.create(provider, model, options.build());
    } finally {
      System.setOut(stdout);
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
