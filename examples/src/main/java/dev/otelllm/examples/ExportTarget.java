package dev.otelllm.examples;

import java.util.Map;

/**
 * Where the example's spans go, read from the standard OpenTelemetry settings the SDK's
 * autoconfigure reads too (system property first, then environment variable): exported over OTLP
 * when an endpoint is set, kept in memory only when none is.
 */
record ExportTarget(String tracesEndpoint, String protocol, String serviceName) {

  static ExportTarget from(Map<String, String> env) {
    String disabled = setting(env, "otel.sdk.disabled");
    String exporters = setting(env, "otel.traces.exporter");
    if ((disabled != null && disabled.trim().equalsIgnoreCase("true"))
        || (exporters != null
            && !java.util.Arrays.asList(exporters.replace(" ", "").split(",")).contains("otlp"))) {
      return new ExportTarget(null, "", "");
    }
    String protocol = setting(env, "otel.exporter.otlp.traces.protocol");
    if (protocol == null) {
      protocol = setting(env, "otel.exporter.otlp.protocol");
    }
    protocol = protocol == null ? "http/protobuf" : protocol.trim();
    String endpoint = setting(env, "otel.exporter.otlp.traces.endpoint");
    if (endpoint == null) {
      String base = setting(env, "otel.exporter.otlp.endpoint");
      if (base != null) {
        base = base.trim();
        endpoint =
            protocol.equals("grpc") ? base : (base.endsWith("/") ? base : base + "/") + "v1/traces";
      }
    }
    String service = setting(env, "otel.service.name");
    if (service == null) {
      service = serviceFromResource(setting(env, "otel.resource.attributes"));
    }
    return new ExportTarget(
        endpoint, protocol, service == null ? "unknown_service:java" : service.trim());
  }

  boolean enabled() {
    return tracesEndpoint != null;
  }

  String describe() {
    return enabled()
        ? "OTLP " + protocol + " to " + tracesEndpoint + " as service " + serviceName
        : "in memory only (set OTEL_EXPORTER_OTLP_ENDPOINT to export)";
  }

  /**
   * With only the traces endpoint given, the SDK would still send metrics and logs to its default
   * endpoint and log a failure for each: those signals are turned off unless their endpoint or
   * exporter is set. Applies as system properties, which autoconfigure reads, and only to settings
   * the user left unset.
   */
  void quietUnconfiguredSignals(Map<String, String> env) {
    if (!enabled() || setting(env, "otel.exporter.otlp.endpoint") != null) {
      return;
    }
    for (String signal : new String[] {"metrics", "logs"}) {
      if (setting(env, "otel." + signal + ".exporter") == null
          && setting(env, "otel.exporter.otlp." + signal + ".endpoint") == null) {
        System.setProperty("otel." + signal + ".exporter", "none");
      }
    }
  }

  private static String setting(Map<String, String> env, String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      value = env.get(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_'));
    }
    return value == null || value.isBlank() ? null : value;
  }

  private static String serviceFromResource(String attributes) {
    if (attributes == null) {
      return null;
    }
    for (String pair : attributes.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals("service.name")) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }
}
