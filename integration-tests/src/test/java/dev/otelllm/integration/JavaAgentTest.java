package dev.otelllm.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The library inside an application run by the real OpenTelemetry Java agent, with this project's
 * extension jar: spans go to an OTLP/HTTP receiver on 127.0.0.1 and are decoded with
 * opentelemetry-proto.
 */
class JavaAgentTest {

  /** One span as received, with its service name. */
  private record Received(
      String service,
      String name,
      String traceId,
      String spanId,
      String parentSpanId,
      Map<String, String> attributes) {}

  @Test
  void underTheAgent_ownSdkIsQueryableAndParented_joinedSpansGetTheExtensionsPolicy_nothingTwice()
      throws Exception {
    Path agent =
        Path.of(System.getProperty("javaagent.jar", "target/agent/opentelemetry-javaagent.jar"));
    Path extension =
        Path.of(
            System.getProperty("agent.extension.jar", "target/agent/otel-llm-agent-extension.jar"));
    assertThat(agent).exists();
    assertThat(extension).exists();

    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
    server.createContext(
        "/",
        exchange -> {
          try (InputStream raw = exchange.getRequestBody()) {
            InputStream in =
                "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(raw)
                    : raw;
            byte[] body = in.readAllBytes();
            if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
              received.addAll(decode(body));
            }
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
    try {
      String endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = Path.of("target", "agent", "agent-app.log");
      Process app =
          new ProcessBuilder(
                  java,
                  "-javaagent:" + agent.toAbsolutePath(),
                  "-Dotel.javaagent.extensions=" + extension.toAbsolutePath(),
                  "-Dotel.service.name=agent-app",
                  "-Dotel.exporter.otlp.protocol=http/protobuf",
                  "-Dotel.exporter.otlp.endpoint=" + endpoint,
                  "-Dotel.metrics.exporter=none",
                  "-Dotel.logs.exporter=none",
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.javaagent.logging=simple",
                  "-Dsun.net.httpserver.nodelay=true",
                  "-cp",
                  System.getProperty("java.class.path"),
                  AgentApp.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(app.waitFor(120, TimeUnit.SECONDS))
          .as("the app ends within 120 s; see " + log)
          .isTrue();
      String output = Files.readString(log);
      assertThat(app.exitValue()).as(output).isZero();
      Map<String, String> printed = new LinkedHashMap<>();
      for (String line : output.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0 && line.substring(0, eq).matches("[a-z._]+")) {
          printed.put(line.substring(0, eq), line.substring(eq + 1).trim());
        }
      }
      // The agent is really there: the application's global OpenTelemetry is its bridge.
      assertThat(printed.get("global")).as(output).contains("javaagent");

      // 1. Own SDK: kept in process, a child of the agent's span, exported once by the library.
      assertThat(printed.get("own.kept")).isEqualTo("1");
      assertThat(printed.get("own.prompt")).isEqualTo("own sdk prompt");
      assertThat(printed.get("own.trace_id")).isEqualTo(printed.get("request.trace_id"));
      assertThat(printed.get("own.parent_span_id")).isEqualTo(printed.get("request.span_id"));

      // The agent exports on exit; wait until every expected span has arrived.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline
          && received.stream().filter(s -> s.name().startsWith("chat ")).count() < 2) {
        Thread.sleep(100);
      }
      Received request = only(received, "handle request");
      assertThat(request.service()).isEqualTo("agent-app");
      assertThat(request.spanId()).isEqualTo(printed.get("request.span_id"));

      Received own = only(received, "chat gpt-4o-mini", printed.get("own.span_id"));
      assertThat(own.traceId()).isEqualTo(request.traceId());
      assertThat(own.parentSpanId()).isEqualTo(request.spanId());
      assertThat(own.service()).isEqualTo("agent-app");
      assertThat(own.attributes())
          .containsEntry("session.id", "sess-own")
          .containsEntry("otel_llm.metadata.step_type", "code_generation")
          .doesNotContainKeys(
              "gen_ai.input.messages", "gen_ai.output.messages"); // export policy: none

      // 2. Joined: recorded by the agent's SDK, where the extension copied the session id from
      // baggage and its export policy removed the content. The app's own buffer is not fed.
      assertThat(printed.get("joined.buffer")).isEqualTo("0");
      Received joined = only(received, "chat gpt-4o-mini", printed.get("joined.span_id"));
      assertThat(joined.traceId()).isEqualTo(request.traceId());
      assertThat(joined.parentSpanId()).isEqualTo(request.spanId());
      assertThat(joined.attributes())
          .containsEntry("session.id", "sess-agent")
          .containsEntry("gen_ai.operation.name", "chat")
          .containsEntry("otel_llm.metadata.step_type", "methodology_generation")
          .doesNotContainKeys("gen_ai.input.messages", "gen_ai.output.messages");

      // Nothing twice: each span id arrived once.
      assertThat(received.stream().map(Received::spanId).distinct().count())
          .isEqualTo(received.size());
    } finally {
      server.stop(0);
    }
  }

  private static Received only(List<Received> spans, String name) {
    List<Received> named = spans.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(named).as("spans named '" + name + "' among " + spans).hasSize(1);
    return named.get(0);
  }

  private static Received only(List<Received> spans, String name, String spanId) {
    List<Received> matching =
        spans.stream().filter(s -> s.name().equals(name) && s.spanId().equals(spanId)).toList();
    assertThat(matching).as("span '" + name + "' " + spanId + " among " + spans).hasSize(1);
    return matching.get(0);
  }

  private static List<Received> decode(byte[] body) throws java.io.IOException {
    ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
    List<Received> out = new ArrayList<>();
    for (ResourceSpans rs : request.getResourceSpansList()) {
      String service = "";
      for (KeyValue kv : rs.getResource().getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          service = kv.getValue().getStringValue();
        }
      }
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
          Map<String, String> attributes = new LinkedHashMap<>();
          for (KeyValue kv : s.getAttributesList()) {
            var v = kv.getValue();
            attributes.put(
                kv.getKey(),
                v.hasStringValue()
                    ? v.getStringValue()
                    : v.hasIntValue() ? Long.toString(v.getIntValue()) : v.toString());
          }
          HexFormat hex = HexFormat.of();
          out.add(
              new Received(
                  service,
                  s.getName(),
                  hex.formatHex(s.getTraceId().toByteArray()),
                  hex.formatHex(s.getSpanId().toByteArray()),
                  hex.formatHex(s.getParentSpanId().toByteArray()),
                  attributes));
        }
      }
    }
    return out;
  }
}
