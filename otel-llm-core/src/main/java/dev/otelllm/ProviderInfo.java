package dev.otelllm;

import java.util.Objects;
import java.util.Optional;

/**
 * What a provider tells the tracing about itself; read once per call, at span start.
 *
 * @param providerName {@code gen_ai.provider.name}: a well-known value such as {@code openai} or
 *     {@code anthropic}, otherwise the server's own lowercase name
 * @param model the model requests go to unless a request names another
 * @param serverAddress host name of the server, or {@code ""} for an in-process model
 * @param serverPort port of the server, or {@code -1} when unknown
 * @param inProcess true when the model runs inside this JVM (the span is then INTERNAL, not CLIENT)
 */
public record ProviderInfo(
    String providerName, String model, String serverAddress, int serverPort, boolean inProcess) {

  public ProviderInfo {
    Objects.requireNonNull(providerName, "providerName");
    if (providerName.isBlank()) {
      throw new IllegalArgumentException("providerName must not be blank");
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(serverAddress, "serverAddress");
    if (serverPort < -1 || serverPort > 65535) {
      throw new IllegalArgumentException("serverPort must be -1 or 0..65535, was " + serverPort);
    }
  }

  /** A provider reached over the network at {@code host:port}. */
  public static ProviderInfo remote(String providerName, String model, String host, int port) {
    return new ProviderInfo(providerName, model, host, port, false);
  }

  /** A model that runs inside this process. */
  public static ProviderInfo inProcess(String providerName, String model) {
    return new ProviderInfo(providerName, model, "", -1, true);
  }

  /** The server's host, when there is one. */
  public Optional<String> server() {
    return serverAddress.isEmpty() ? Optional.empty() : Optional.of(serverAddress);
  }
}
