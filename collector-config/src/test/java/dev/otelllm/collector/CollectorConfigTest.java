package dev.otelllm.collector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped configuration parses, is consistent with itself, and agrees with the library's
 * defaults.
 */
class CollectorConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Path DIR = Path.of(System.getProperty("user.dir"));

  private static JsonNode read(String file) throws IOException {
    return YAML.readTree(DIR.resolve(file).toFile());
  }

  @Test
  void everyYamlFileParses() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(DIR)) {
      walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .filter(p -> !p.toString().contains("/target/"))
          .forEach(files::add);
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(5);
    for (Path f : files) {
      assertThat(YAML.readTree(f.toFile())).as(f.toString()).isNotNull();
    }
  }

  @Test
  void everyPipelineReferencesDefinedComponents() throws IOException {
    JsonNode c = read("otel-collector.yaml");
    JsonNode pipelines = c.path("service").path("pipelines");
    assertThat(pipelines.has("traces")).isTrue();
    assertThat(pipelines.has("metrics")).isTrue();
    Set<String> used = new HashSet<>();
    for (Iterator<String> names = pipelines.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      JsonNode p = pipelines.get(name);
      for (String kind : List.of("receivers", "processors", "exporters")) {
        assertThat(p.path(kind).isArray()).as(name + "." + kind).isTrue();
        for (JsonNode id : p.path(kind)) {
          assertThat(c.path(kind).has(id.asText()))
              .as(name + " uses " + kind + " " + id.asText())
              .isTrue();
          used.add(kind + ":" + id.asText());
        }
      }
      // The memory limiter comes first, as the collector advises.
      assertThat(p.path("processors").get(0).asText()).as(name).isEqualTo("memory_limiter");
    }
    for (String kind : List.of("receivers", "processors", "exporters")) {
      for (Iterator<String> ids = c.path(kind).fieldNames(); ids.hasNext(); ) {
        String id = ids.next();
        assertThat(used).as("defined but unused: " + kind + " " + id).contains(kind + ":" + id);
      }
    }
    for (JsonNode ext : c.path("service").path("extensions")) {
      assertThat(c.path("extensions").has(ext.asText())).isTrue();
    }
    JsonNode traces = pipelines.get("traces").path("exporters");
    assertThat(traces.toString())
        .contains("otlp/jaeger")
        .contains("otlp/tempo")
        .contains("file/traces");
    assertThat(c.path("processors").has("batch")).isTrue();
  }

  @Test
  void receiverPorts_matchTheLibrarysDefaults() throws IOException {
    JsonNode otlp = read("otel-collector.yaml").path("receivers").path("otlp").path("protocols");
    assertThat(port(otlp.path("grpc").path("endpoint").asText()))
        .isEqualTo(OtlpExport.DEFAULT_GRPC_PORT);
    assertThat(port(otlp.path("http").path("endpoint").asText()))
        .isEqualTo(OtlpExport.DEFAULT_HTTP_PORT);
    assertThat(OtlpExport.defaults().endpoint()).endsWith(":" + OtlpExport.DEFAULT_HTTP_PORT);

    JsonNode ports =
        read("docker-compose.yaml").path("services").path("otel-collector").path("ports");
    assertThat(ports.toString()).contains("\"4317:4317\"").contains("\"4318:4318\"");
  }

  @Test
  void fileExporter_writesAFormatTheConverterReads() throws IOException {
    JsonNode file = read("otel-collector.yaml").path("exporters").path("file/traces");
    // OtlpFileReader reads OTLP JSON lines and length-prefixed protobuf, gzip'd or not.
    assertThat(file.path("format").asText("json")).isIn("json", "proto");
    assertThat(file.path("path").asText()).startsWith("/data/otel/");
    assertThat(
            read("docker-compose.yaml")
                .path("services")
                .path("otel-collector")
                .path("volumes")
                .toString())
        .contains("./data/otel:/data/otel");
  }

  @Test
  void backends_receiveOnThePortsTheCollectorSendsTo() throws IOException {
    JsonNode exporters = read("otel-collector.yaml").path("exporters");
    JsonNode tempo = read("tempo.yaml");
    String tempoGrpc =
        tempo
            .path("distributor")
            .path("receivers")
            .path("otlp")
            .path("protocols")
            .path("grpc")
            .path("endpoint")
            .asText();
    assertThat(port(exporters.path("otlp/tempo").path("endpoint").asText()))
        .isEqualTo(port(tempoGrpc));
    assertThat(exporters.path("otlp/tempo").path("endpoint").asText()).startsWith("tempo:");
    assertThat(exporters.path("otlp/jaeger").path("endpoint").asText()).isEqualTo("jaeger:4317");
    JsonNode services = read("docker-compose.yaml").path("services");
    for (String s : List.of("otel-collector", "jaeger", "tempo", "grafana", "prometheus")) {
      assertThat(services.has(s)).as("compose service " + s).isTrue();
    }
    // Tempo's query port is the one Grafana's data source uses.
    int tempoHttp = tempo.path("server").path("http_listen_port").asInt();
    JsonNode sources =
        read("grafana/provisioning/datasources/datasources.yaml").path("datasources");
    boolean found = false;
    for (JsonNode ds : sources) {
      String host = ds.path("url").asText().replaceFirst("^http://", "").replaceFirst(":.*$", "");
      assertThat(services.has(host)).as("data source host " + host).isTrue();
      if (ds.path("type").asText().equals("tempo")) {
        found = true;
        assertThat(ds.path("url").asText()).isEqualTo("http://tempo:" + tempoHttp);
      }
    }
    assertThat(found).isTrue();
    // Prometheus scrapes the collector's exporter port.
    String target =
        read("prometheus.yaml")
            .path("scrape_configs")
            .get(0)
            .path("static_configs")
            .get(0)
            .path("targets")
            .get(0)
            .asText();
    assertThat(port(target))
        .isEqualTo(port(exporters.path("prometheus").path("endpoint").asText()));
  }

  @Test
  void mountedFilesExist() throws IOException {
    JsonNode services = read("docker-compose.yaml").path("services");
    for (Iterator<String> names = services.fieldNames(); names.hasNext(); ) {
      for (JsonNode volume : services.get(names.next()).path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./data")) {
          continue;
        }
        assertThat(Files.exists(DIR.resolve(source))).as(source).isTrue();
      }
    }
  }

  @Test
  void tempoNote_matchesTheLibrarysExportBudget() throws IOException {
    assertThat(Files.readString(DIR.resolve("tempo.yaml"))).contains("2,048 bytes");
    assertThat(LlmTracing.DEFAULT_EXPORT_MAX_BYTES).isEqualTo(2048);
  }

  private static int port(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }
}
