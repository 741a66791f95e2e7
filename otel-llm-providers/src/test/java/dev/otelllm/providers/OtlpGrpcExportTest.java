package dev.otelllm.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.otelllm.ContentCapture;
import dev.otelllm.LlmClient;
import dev.otelllm.LlmTracing;
import dev.otelllm.OtlpExport;
import dev.otelllm.Session;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.Protocol;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** OTLP/gRPC export to an HTTP/2 receiver on 127.0.0.1, decoded with the OTLP protobuf classes. */
class OtlpGrpcExportTest {

  @Test
  void grpc_carriesTheGenAiSpansWithSessionAndHeaders() throws Exception {
    List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    try (MockWebServer server = new MockWebServer()) {
      server.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
      server.setDispatcher(
          new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
              requests.add(request);
              // An empty ExportTraceServiceResponse in a gRPC frame, then grpc-status 0.
              return new MockResponse.Builder()
                  .code(200)
                  .addHeader("Content-Type", "application/grpc")
                  .body(new Buffer().write(new byte[5]))
                  .trailers(Headers.of("grpc-status", "0"))
                  .build();
            }
          });
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      LlmTracing tracing =
          LlmTracing.builder()
              .serviceName("grpc-svc")
              .exportOtlp(
                  OtlpExport.builder()
                      .protocol(OtlpExport.Protocol.GRPC)
                      .endpoint("http://127.0.0.1:" + server.getPort())
                      .header("x-tenant", "t1")
                      .metrics(false)
                      .build())
              .exportContentCapture(ContentCapture.full().asJsonString())
              .build();
      LlmClient client =
          LlmClient.builder(dev.otelllm.testing.DeterministicLlmProvider.echo("m"))
              .tracing(tracing)
              .build();
      try (Session s = client.session().id("grpc-session").build()) {
        s.generate("hello over grpc");
      }
      tracing.close();
      assertThat(tracing.exportStats().exported()).isEqualTo(1);

      RecordedRequest r = requests.get(0);
      assertThat(r.getUrl().encodedPath())
          .isEqualTo("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
      assertThat(r.getHeaders().get("x-tenant")).isEqualTo("t1");
      byte[] framed = r.getBody().toByteArray();
      ExportTraceServiceRequest decoded =
          ExportTraceServiceRequest.parseFrom(Arrays.copyOfRange(framed, 5, framed.length));
      List<Span> spans = new ArrayList<>();
      decoded
          .getResourceSpansList()
          .forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
      Span chat = spans.get(0);
      assertThat(chat.getName()).isEqualTo("chat m");
      assertThat(chat.getAttributesList())
          .extracting(KeyValue::getKey)
          .contains(
              "gen_ai.operation.name",
              "gen_ai.provider.name",
              "session.id",
              "gen_ai.input.messages");
      assertThat(chat.getAttributesList())
          .filteredOn(kv -> kv.getKey().equals("session.id"))
          .singleElement()
          .satisfies(kv -> assertThat(kv.getValue().getStringValue()).isEqualTo("grpc-session"));
      assertThat(decoded.getResourceSpans(0).getResource().toString()).contains("grpc-svc");
    }
  }
}
